// Webhook delivery checked by the standardwebhooks npm package: marketcore-server (MC_SERVER)
// delivers a balance.updated event to a receiver run here that answers 500 twice, then 200.
// Every attempt must verify with `new Webhook(secret).verify(body, headers)`, carry the same
// webhook-id and a fresh timestamp; a tampered body must not verify.
// Run by tests/delivery/run.sh (it needs the built server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

const serverBinary = process.env.MC_SERVER;
const adminKey = 'interop-admin-secret-0123456789';

// Starts marketcore-server on a free port; resolves with {port, child, stop}.
function startServer(directory) {
  const child = spawn(serverBinary, ['--listen', '127.0.0.1:0', '--database',
    join(directory, 'market.db'), '--admin-key', adminKey, '--threads', '2', '--no-access-log'], {
    env: { ...process.env, MARKETCORE_WEBHOOK_POLL_MS: '20', MARKETCORE_WEBHOOK_RETRY_MIN_MS: '1000',
      MARKETCORE_WEBHOOK_RETRY_BASE_MS: '1100', MARKETCORE_WEBHOOK_RETRY_MAX_MS: '1200' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + log)), 30000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve({ port: Number(found[1]), child });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
}

async function call(port, method, path, body, key) {
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

// A receiver answering 500 to the first two requests, then 200.
function startReceiver() {
  const received = [];
  let notify = () => {};
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = received.length <= 2 ? 500 : 200;
      response.end('ok');
      notify();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/hooks`,
      received,
      waitFor: (count, timeoutMs) => new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`only ${received.length} requests`)),
          timeoutMs);
        notify = () => { if (received.length >= count) { clearTimeout(timer); done(); } };
        notify();
      }),
      close: () => server.close(),
    }));
  });
}

test('standardwebhooks verifies every attempt of a retried delivery', async () => {
  assert.ok(serverBinary, 'set MC_SERVER to the marketcore-server binary');
  const directory = mkdtempSync(join(tmpdir(), 'mc-webhooks-'));
  const receiver = await startReceiver();
  const { port, child } = await startServer(directory);
  try {
    const registered = await call(port, 'POST', '/v1/markets/j0/parties', {});
    assert.equal(registered.status, 201);
    const partyId = registered.json.party.id;
    const key = registered.json.api_key.secret;
    const endpoint = await call(port, 'POST', '/v1/webhook_endpoints',
      { url: receiver.url, enabled_events: ['balance.updated'] }, key);
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.json));
    const secret = endpoint.json.secret;
    assert.match(secret, /^whsec_/);
    const deposit = await call(port, 'POST', `/v1/parties/${partyId}/deposits`,
      { amount_minor: 42 }, key);
    assert.equal(deposit.status, 201);

    await receiver.waitFor(3, 20000);
    const webhook = new Webhook(secret);
    const ids = new Set();
    const timestamps = [];
    for (const attempt of receiver.received) {
      const payload = webhook.verify(attempt.body, attempt.headers);
      assert.equal(payload.type, 'balance.updated');
      assert.equal(payload.id, attempt.headers['webhook-id']);
      assert.equal(payload.data.available_minor, 42);
      ids.add(attempt.headers['webhook-id']);
      timestamps.push(Number(attempt.headers['webhook-timestamp']));
      assert.throws(() => webhook.verify(attempt.body.replace('42', '43'), attempt.headers));
    }
    assert.equal(ids.size, 1, 'one stable event id across attempts');
    assert.ok(timestamps[0] < timestamps[1] && timestamps[1] < timestamps[2],
      `fresh timestamps: ${timestamps}`);
    assert.throws(() => new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64'))
      .verify(receiver.received[2].body, receiver.received[2].headers));
  } finally {
    child.kill('SIGTERM');
    receiver.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
