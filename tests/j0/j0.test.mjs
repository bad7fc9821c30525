// End-to-end: the j0 dialect over loopback with real clients. An ethers wallet logs in
// (challenge + personal_sign), jobs run their whole life, 20 workers race to accept one job,
// the `ws` client reads the WebSocket, Stripe's own library signs webhooks (credited once even
// when delivered twice; a bad signature is refused), bad input is refused in the seed's error
// format and changes nothing. After every scenario the ledger verifies (native admin route)
// and the credits bought equal the sum of every user's balance plus the platform's revenue.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import Stripe from 'stripe';
import WebSocket from 'ws';

const ADMIN_KEY = 'j0-e2e-admin-key-0123456789abcdef';
const STRIPE_SECRET = 'whsec_j0_e2e_0123456789abcdef';
const stripe = new Stripe('sk_test_unused');

const servers = [];
let main;  // j0 under /j0/api/v1 plus the native API
// Money bookkeeping for the final equality: cents credited, users seen, platform revenue.
const books = { bought: 0, platform: 0, users: new Map() };

async function startServer(args) {
  const dir = mkdtempSync(join(tmpdir(), 'mc-j0-e2e-'));
  const child = spawn(process.env.MC_SERVER,
      ['--listen', '127.0.0.1:0', '--database', join(dir, 'j0.db'), '--no-access-log', ...args], {
        env: {
          ...process.env,
          MARKETCORE_ADMIN_KEY: ADMIN_KEY,
          MARKETCORE_J0_STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
          MARKETCORE_J0_JWT_SECRET: 'j0-e2e-session-secret-0123456789abcdef',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  const origin = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${text}`)), 60_000);
    const onData = (chunk) => {
      text += chunk;
      const match = text.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${text}`)));
  });
  const server = { child, dir, origin };
  servers.push(server);
  return server;
}

async function call(base, method, path, { token, cookie, body, raw, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (cookie) init.headers.cookie = cookie;
  if (raw !== undefined) {
    init.body = raw;
    init.headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: response.status, body: json, headers: response.headers };
}

const j0 = (method, path, options) => call(`${main.origin}/j0/api/v1`, method, path, options);

async function login(base = `${main.origin}/j0/api/v1`, wallet = Wallet.createRandom()) {
  const challenge = await call(base, 'POST', '/auth/challenge', { body: { public_key: wallet.address } });
  assert.equal(challenge.status, 200, JSON.stringify(challenge.body));
  const signature = await wallet.signMessage(challenge.body.message_to_sign);
  const verified = await call(base, 'POST', '/auth/verify', {
    body: { public_key: wallet.address, challenge_nonce: challenge.body.challenge.nonce, signature },
  });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  const user = { wallet, token: verified.body.token, id: verified.body.user.id, verified, challenge };
  if (base.startsWith(main.origin + '/j0')) books.users.set(user.id, user);
  return user;
}

async function buy(user, amountUsd) {
  const checkout = await j0('POST', '/credits/checkout', { token: user.token, body: { amount_usd: amountUsd } });
  assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  const visit = await fetch(checkout.body.checkout_url);
  assert.equal(visit.status, 200);
  const credited = Math.floor(Math.round(amountUsd * 100) * 0.95);
  books.bought += credited;
  return { checkout, credited };
}

async function balance(user) {
  const response = await j0('GET', '/credits/balance', { token: user.token });
  assert.equal(response.status, 200);
  return response.body;
}

async function post(user, fields = {}) {
  const body = { capability: 'opus', credits: 10, timeout_sec: 30, prompt: 'Summarize: ' + 'x'.repeat(200), ...fields };
  return j0('POST', '/jobs', { token: user.token, body });
}

function assertError(response, status, message) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(typeof response.body.error, 'string');
  assert.equal(typeof response.body.code, 'string');
  if (message !== undefined) assert.equal(response.body.error, message);
}

async function checkBooks() {
  const report = await call(main.origin, 'GET', '/v1/ledger/verify', { token: ADMIN_KEY });
  assert.equal(report.status, 200, JSON.stringify(report.body));
  assert.equal(report.body.ok, true, JSON.stringify(report.body.problems));
  let held = 0;
  for (const user of books.users.values()) held += (await balance(user)).total_cents;
  // Escrow of jobs still open is neither a balance nor revenue: every scenario ends its jobs.
  assert.equal(books.bought, held + books.platform);
}

before(async () => { main = await startServer(['--dialect', 'j0', '--dialect', 'native']); });
after(() => {
  for (const server of servers) {
    server.child.kill('SIGTERM');
    rmSync(server.dir, { recursive: true, force: true });
  }
});
afterEach(checkBooks);

test('wallet login: challenge, verify, cookie and Bearer; nonce single use; bad signature', async () => {
  const user = await login();
  const { challenge, verified } = user;
  assert.match(challenge.body.message_to_sign,
      new RegExp(`^j0\\.com authentication\\nNonce: ${challenge.body.challenge.nonce}\\nTimestamp: ${challenge.body.challenge.timestamp}$`));
  assert.equal(challenge.body.challenge.expires_at - challenge.body.challenge.timestamp, 60);
  assert.equal(verified.body.user.public_key, user.wallet.address);
  assert.equal(verified.body.user.identity_type, 'ethereum_wallet');
  assert.equal(verified.body.user.reputation_score, 0);
  assert.match(verified.body.user.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(verified.body.expires_at - Date.now() / 1000 > 86_000);
  const cookie = verified.headers.get('set-cookie');
  assert.match(cookie, /^j0_token=[^;]+; HttpOnly; Secure; SameSite=Strict; Max-Age=86400/);
  const byBearer = await j0('GET', '/users/me', { token: user.token });
  assert.deepEqual(byBearer.body, { id: user.id, public_key: user.wallet.address, created_at: verified.body.user.created_at });
  const byCookie = await j0('GET', '/users/me', { cookie: cookie.split(';')[0] });
  assert.equal(byCookie.status, 200);
  assert.equal(byCookie.body.id, user.id);
  assert.equal((await j0('GET', `/users/${user.id}`, { token: user.token })).body.public_key, user.wallet.address);
  assertError(await j0('GET', '/users/999999', { token: user.token }), 404);
  assertError(await j0('GET', '/users/me'), 401);
  assertError(await j0('GET', '/jobs'), 401);
  assertError(await j0('GET', '/users/me', { token: 'not.a.token' }), 401);

  // The same wallet logging in again is the same user.
  assert.equal((await login(undefined, user.wallet)).id, user.id);

  // A used nonce cannot be replayed.
  const replay = await j0('POST', '/auth/verify', { body: {
    public_key: user.wallet.address, challenge_nonce: challenge.body.challenge.nonce,
    signature: await user.wallet.signMessage(challenge.body.message_to_sign) } });
  assertError(replay, 401);

  // A signature by another wallet is refused, and spends the challenge.
  const victim = Wallet.createRandom();
  const fresh = await j0('POST', '/auth/challenge', { body: { public_key: victim.address } });
  const forged = await Wallet.createRandom().signMessage(fresh.body.message_to_sign);
  const bad = await j0('POST', '/auth/verify', { body: {
    public_key: victim.address, challenge_nonce: fresh.body.challenge.nonce, signature: forged } });
  assertError(bad, 401, 'Invalid signature');
  assertError(await j0('POST', '/auth/challenge', { body: { public_key: 'nope' } }), 400);
  assertError(await j0('POST', '/auth/challenge', { body: {} }), 400);
  assertError(await j0('POST', '/auth/verify', { body: { public_key: victim.address } }), 400);
});

test('jobs run their life: post, list, detail, accept, complete (90 %), cancel', async () => {
  const requester = await login();
  const worker = await login();
  const other = await login();
  const { credited } = await buy(requester, 10);
  assert.deepEqual(await balance(requester), { cash_cents: credited, promo_cents: 0, total_cents: credited });

  const prompt = 'Summarize this article in 3 bullet points:\n\n' + 'y'.repeat(300);
  const posted = await post(requester, { credits: 15, prompt });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  const job = posted.body.job;
  assert.deepEqual(Object.keys(job).sort(),
      ['capability', 'created_at', 'credits', 'expires_at', 'job_id', 'requester_id', 'status', 'timeout_sec']);
  assert.equal(job.status, 'posted');
  assert.equal(Date.parse(job.expires_at) - Date.parse(job.created_at), 7 * 60 * 1000);
  assert.equal((await balance(requester)).total_cents, credited - 15);

  const seenByOther = await j0('GET', `/jobs/${job.job_id}`, { token: other.token });
  assert.equal(seenByOther.body.prompt, prompt.slice(0, 100));
  assert.equal(seenByOther.body.worker_id, null);
  const seenByRequester = await j0('GET', `/jobs/${job.job_id}`, { token: requester.token });
  assert.equal(seenByRequester.body.prompt, prompt);
  const listed = await j0('GET', `/jobs?status=posted&requester_id=${requester.id}`, { token: other.token });
  assert.equal(listed.status, 200);
  assert.equal(listed.body.jobs.length, 1);
  assert.deepEqual(Object.keys(listed.body.jobs[0]).sort(),
      ['accepted_at', 'capability', 'completed_at', 'created_at', 'credits', 'expires_at', 'job_id',
       'prompt', 'requester_id', 'result', 'status', 'timeout_sec', 'worker_id']);
  assert.equal(listed.body.jobs[0].prompt.length, 100);

  assertError(await j0('POST', `/jobs/${job.job_id}/accept`, { token: requester.token }), 403);
  const accepted = await j0('POST', `/jobs/${job.job_id}/accept`, { token: worker.token });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.job.status, 'accepted');
  assert.equal(accepted.body.job.worker_id, worker.id);
  assert.equal(accepted.body.job.prompt, prompt);
  assert.equal(Date.parse(accepted.body.job.expires_at) - Date.parse(accepted.body.job.accepted_at), 30_000);
  assertError(await j0('POST', `/jobs/${job.job_id}/accept`, { token: other.token }), 400,
      'Job already accepted by another worker');
  assertError(await j0('POST', `/jobs/${job.job_id}/cancel`, { token: requester.token }), 400,
      'Job already accepted (cannot cancel)');
  assertError(await j0('POST', `/jobs/${job.job_id}/complete`, { token: other.token, body: { result: 'x' } }), 403);
  assertError(await j0('POST', `/jobs/${job.job_id}/complete`, { token: worker.token, body: {} }), 400);
  assert.equal((await j0('GET', `/jobs/${job.job_id}`, { token: other.token })).body.prompt, prompt.slice(0, 100));

  const result = 'Summary:\n- Point 1\n- Point 2\n- Point 3';
  const completed = await j0('POST', `/jobs/${job.job_id}/complete`, { token: worker.token, body: { result } });
  assert.equal(completed.status, 200, JSON.stringify(completed.body));
  assert.equal(completed.body.credits_earned, 13);
  assert.equal(completed.body.job.status, 'completed');
  assert.equal(completed.body.job.result, result);
  books.platform += 2;
  assert.deepEqual(await balance(worker), { cash_cents: 13, promo_cents: 0, total_cents: 13 });
  const detail = await j0('GET', `/jobs/${job.job_id}`, { token: requester.token });
  assert.equal(detail.body.result, result);
  assert.equal(detail.body.worker_id, worker.id);
  assert.ok(detail.body.completed_at);

  const earned = await j0('GET', '/credits/transactions?limit=500', { token: worker.token });
  assert.equal(earned.body.transactions[0].type, 'job_earn');
  assert.equal(earned.body.transactions[0].amount_cents, 13);
  const history = await j0('GET', '/credits/transactions', { token: requester.token });
  assert.deepEqual(history.body.transactions.map((t) => t.type), ['job_post', 'purchase']);
  assert.equal(history.body.transactions[0].amount_cents, -15);
  assert.equal(history.body.transactions[0].description, `Posted job #${job.job_id}`);

  // Cancel: only the requester, full refund.
  const second = (await post(requester, { credits: 20 })).body.job;
  assertError(await j0('POST', `/jobs/${second.job_id}/cancel`, { token: other.token }), 403, 'Not the requester');
  const cancelled = await j0('POST', `/jobs/${second.job_id}/cancel`, { token: requester.token });
  assert.deepEqual(cancelled.body, { job: { job_id: second.job_id, status: 'cancelled' }, credits_refunded: 20 });
  assert.equal((await balance(requester)).total_cents, credited - 15);
  assertError(await j0('POST', `/jobs/${second.job_id}/accept`, { token: worker.token }), 400);
  assertError(await j0('POST', '/jobs/987654/accept', { token: worker.token }), 404, 'Job not found');
  assertError(await j0('GET', '/jobs/abc', { token: worker.token }), 404);
});

test('bad input: every bound ±1, wrong types, missing fields; nothing changes', async () => {
  const requester = await login();
  const { credited } = await buy(requester, 5);
  const refused = [
    { credits: 4 }, { credits: 101 }, { timeout_sec: 9 }, { timeout_sec: 61 },
    { prompt: 'z'.repeat(10_241) }, { capability: 'gpt5' }, { credits: '10' }, { credits: 10.5 },
    { timeout_sec: null }, { prompt: 42 }, { capability: ['opus'] },
  ];
  for (const fields of refused) {
    const response = await post(requester, fields);
    assertError(response, 400);
    assert.equal(response.body.code, 'VALIDATION_ERROR', JSON.stringify({ fields, body: response.body }));
  }
  assertError(await j0('POST', '/jobs', { token: requester.token, raw: '{"credits":' }), 400);
  assertError(await j0('POST', '/jobs', { token: requester.token, body: { credits: 10 } }), 400);
  assertError(await post(requester, { credits: 101 }), 400, 'credits must be between 5 and 100');
  assertError(await post(requester, { timeout_sec: 61 }), 400, 'timeout_sec must be between 10 and 60');
  assert.equal((await balance(requester)).total_cents, credited);
  const accepted = [{ credits: 5 }, { credits: 100 }, { timeout_sec: 10 }, { timeout_sec: 60 },
    { prompt: 'z'.repeat(10_240) }];
  let spent = 0;
  for (const fields of accepted) {
    const response = await post(requester, { credits: 5, ...fields });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    spent += response.body.job.credits;
    await j0('POST', `/jobs/${response.body.job.job_id}/cancel`, { token: requester.token });
  }
  assert.ok(spent > 0);
  const poor = await login();
  await buy(poor, 1);
  assertError(await post(poor, { credits: 100 }), 400, 'Insufficient credits: have 95, need 100');
  assert.equal((await post(poor, { credits: 100 })).body.code, 'INSUFFICIENT_CREDITS');
  assert.equal((await balance(poor)).total_cents, 95);
  assertError(await j0('GET', '/jobs?limit=0', { token: requester.token }), 400);
  assertError(await j0('GET', '/jobs?status=finished', { token: requester.token }), 400);
  assertError(await j0('GET', '/jobs?requester_id=x', { token: requester.token }), 400);
  const clamped = await j0('GET', '/jobs?limit=101', { token: requester.token });
  assert.equal(clamped.status, 200);
  assertError(await j0('POST', '/credits/checkout', { token: requester.token, body: { amount_usd: 0.99 } }), 400);
  assertError(await j0('POST', '/credits/checkout', { token: requester.token, body: { amount_usd: 1000.01 } }), 400);
  assertError(await j0('POST', '/credits/checkout', { token: requester.token, body: {} }), 400);
  assert.equal((await balance(requester)).total_cents, credited);
  const address = await j0('GET', '/credits/deposit-address', { token: requester.token });
  assert.equal(address.status, 200);
  assert.equal(address.body.network, 'Base L2');
  assert.match(address.body.address, /^0x[0-9a-fA-F]{40}$/);
});

test('20 workers accept the same job concurrently: exactly one wins', async () => {
  const requester = await login();
  await buy(requester, 1);
  const workers = await Promise.all(Array.from({ length: 20 }, () => login()));
  const job = (await post(requester, { credits: 10, prompt: 'race' })).body.job;
  const results = await Promise.all(workers.map((worker) =>
    j0('POST', `/jobs/${job.job_id}/accept`, { token: worker.token })));
  const winners = results.filter((r) => r.status === 200);
  assert.equal(winners.length, 1);
  for (const loser of results.filter((r) => r.status !== 200)) {
    assertError(loser, 400, 'Job already accepted by another worker');
  }
  const winner = workers[results.findIndex((r) => r.status === 200)];
  const done = await j0('POST', `/jobs/${job.job_id}/complete`, { token: winner.token, body: { result: 'ok' } });
  assert.equal(done.body.credits_earned, 9);
  books.platform += 1;
});

test('Stripe webhook signed by Stripe\'s library credits once even when delivered twice', async () => {
  const buyer = await login();
  const event = {
    id: `evt_${Date.now()}`, object: 'event', type: 'checkout.session.completed',
    data: { object: { id: 'cs_test_1', object: 'checkout.session', amount_total: 1000, currency: 'usd',
      payment_status: 'paid', client_reference_id: String(buyer.id), metadata: { user_id: String(buyer.id) } } },
  };
  const payload = JSON.stringify(event);
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
  const deliver = (signature, body = payload) =>
    j0('POST', '/webhooks/stripe', { raw: body, headers: { 'stripe-signature': signature } });
  const first = await deliver(header);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.received, true);
  const second = await deliver(header);
  assert.equal(second.status, 200);
  assert.equal(second.body.credited, false);
  books.bought += 950;
  assert.deepEqual(await balance(buyer), { cash_cents: 950, promo_cents: 0, total_cents: 950 });
  const history = await j0('GET', '/credits/transactions', { token: buyer.token });
  assert.equal(history.body.transactions.length, 1);
  assert.equal(history.body.transactions[0].description, 'Purchased via Stripe ($10.00)');

  const forged = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' });
  assertError(await deliver(forged, payload.replace('evt_', 'evt_x')), 400, 'Invalid signature');
  assertError(await deliver('', payload), 400, 'Invalid signature');
  assert.equal((await balance(buyer)).total_cents, 950);
});

function openSocket(url, options) {
  const socket = new WebSocket(url, options);
  const frames = [];
  const waiters = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    frames.push(frame);
    for (const waiter of [...waiters]) waiter();
  });
  const next = (predicate, timeoutMs = 15_000) => new Promise((resolve, reject) => {
    const check = () => {
      const index = frames.findIndex(predicate);
      if (index < 0) return false;
      const [frame] = frames.splice(index, 1);
      waiters.splice(waiters.indexOf(check), 1);
      clearTimeout(timer);
      resolve(frame);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(check), 1);
      reject(new Error(`no frame matched; got ${JSON.stringify(frames)}`));
    }, timeoutMs);
    waiters.push(check);
    check();
  });
  const opened = new Promise((resolve, reject) => { socket.on('open', resolve); socket.on('error', reject); });
  return { socket, frames, next, opened };
}

test('WebSocket: each party sees its own events plus job.posted; timeout refunds by the clock', async () => {
  const requester = await login();
  const worker = await login();
  const stranger = await login();
  await buy(requester, 1);
  const wsBase = main.origin.replace('http', 'ws') + '/j0/api/v1/ws';
  const requesterSocket = openSocket(`${wsBase}?token=${requester.token}`);
  const workerSocket = openSocket(wsBase, { headers: { authorization: `Bearer ${worker.token}` } });
  const strangerSocket = openSocket(`${wsBase}?token=${stranger.token}`);
  await Promise.all([requesterSocket.opened, workerSocket.opened, strangerSocket.opened]);

  const job = (await post(requester, { credits: 10, timeout_sec: 10, prompt: 'ws job' })).body.job;
  for (const socket of [requesterSocket, workerSocket, strangerSocket]) {
    const frame = await socket.next((f) => f.event === 'job.posted' && f.data.job_id === job.job_id);
    assert.deepEqual(Object.keys(frame).sort(), ['data', 'event', 'timestamp']);
    assert.match(frame.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  const balanceFrame = await requesterSocket.next((f) => f.event === 'balance.updated');
  assert.equal(balanceFrame.data.total_cents, 95 - 10);

  assert.equal((await j0('POST', `/jobs/${job.job_id}/accept`, { token: worker.token })).status, 200);
  const acceptedFrame = await requesterSocket.next((f) => f.event === 'job.accepted');
  assert.equal(acceptedFrame.data.job_id, job.job_id);
  assert.equal(acceptedFrame.data.worker_id, worker.id);
  await workerSocket.next((f) => f.event === 'job.accepted');

  // No request needed: the clock times the job out 10 s after acceptance and refunds.
  const timeoutFrame = await requesterSocket.next((f) => f.event === 'job.timeout', 20_000);
  assert.equal(timeoutFrame.data.job_id, job.job_id);
  await workerSocket.next((f) => f.event === 'job.timeout');
  await requesterSocket.next((f) => f.event === 'balance.updated' && f.data.total_cents === 95);
  const detail = await j0('GET', `/jobs/${job.job_id}`, { token: requester.token });
  assert.equal(detail.body.status, 'timeout');
  assertError(await j0('POST', `/jobs/${job.job_id}/complete`, { token: worker.token, body: { result: 'late' } }),
      400, 'Job timeout expired');

  // A completed job: job.completed with result and credits_earned to both parties.
  const second = (await post(requester, { credits: 20, prompt: 'second' })).body.job;
  await j0('POST', `/jobs/${second.job_id}/accept`, { token: worker.token });
  await j0('POST', `/jobs/${second.job_id}/complete`, { token: worker.token, body: { result: 'r' } });
  books.platform += 2;
  const completedFrame = await requesterSocket.next((f) => f.event === 'job.completed');
  assert.deepEqual(completedFrame.data, { job_id: second.job_id, result: 'r', credits_earned: 18 });
  await workerSocket.next((f) => f.event === 'balance.updated' && f.data.total_cents === 18);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const strangerSaw = strangerSocket.frames.map((f) => f.event);
  assert.ok(strangerSaw.every((event) => event === 'job.posted'), JSON.stringify(strangerSaw));

  const refused = new WebSocket(`${wsBase}?token=bad`);
  const status = await new Promise((resolve) => {
    refused.on('unexpected-response', (_, response) => resolve(response.statusCode));
    refused.on('error', () => resolve(0));
  });
  assert.equal(status, 401);
  for (const { socket } of [requesterSocket, workerSocket, strangerSocket]) socket.close();
});

test('j0 alone at the root: the same API at / and the WebSocket at /ws', async () => {
  const root = await startServer(['--dialect', 'j0', '--prefix', '/']);
  const user = await login(root.origin);
  const me = await call(root.origin, 'GET', '/users/me', { token: user.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.id, user.id);
  const socket = openSocket(`${root.origin.replace('http', 'ws')}/ws?token=${user.token}`);
  await socket.opened;
  socket.socket.close();
  assertError(await call(root.origin, 'GET', '/nowhere', { token: user.token }), 404);
});
