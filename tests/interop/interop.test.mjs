// Interop between marketcore (through mc_auth_tool) and the clients real users run: ethers
// (EIP-191), siwe (EIP-4361), standardwebhooks, stripe, jose, and Node's WebCrypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { Wallet } from 'ethers';
import { SiweMessage, generateNonce } from 'siwe';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import * as jose from 'jose';

const tool = process.env.MC_AUTH_TOOL;
const subtle = webcrypto.subtle;

// Runs one request or an array of requests through the C++ tool.
function mc(request) {
  const result = spawnSync(tool, { input: JSON.stringify(request), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function tamper(text) {
  return text.slice(0, -1) + (text.endsWith('a') ? 'b' : 'a');
}

test('EIP-191 messages signed by ethers verify; tampered ones do not', async () => {
  const wallet = Wallet.createRandom();
  const message = 'AACP:offers:job_42:1708041600000';
  const signature = await wallet.signMessage(message);
  const v01 = signature.slice(0, -2) + (signature.endsWith('1b') ? '00' : '01');
  const [good, lower, zeroOne, badMessage, badSignature, otherSigner] = mc([
    { op: 'eip191_verify', message, signature, address: wallet.address },
    { op: 'eip191_verify', message, signature, address: wallet.address.toLowerCase() },
    { op: 'eip191_verify', message, signature: v01, address: wallet.address },
    { op: 'eip191_verify', message: message + '1', signature, address: wallet.address },
    { op: 'eip191_verify', message, signature: signature.slice(0, 10) + 'ff' + signature.slice(12),
      address: wallet.address },
    { op: 'eip191_verify', message, signature, address: Wallet.createRandom().address },
  ]);
  assert.deepEqual(good, { ok: true, detail: '' });
  assert.equal(lower.ok, true);
  assert.equal(zeroOne.ok, true);
  assert.equal(badMessage.detail, 'signer_mismatch');
  assert.equal(badSignature.ok, false);
  assert.equal(otherSigner.detail, 'signer_mismatch');
});

test('SIWE messages from the siwe package verify; tampered ones do not', async () => {
  const wallet = Wallet.createRandom();
  const now = Date.now();
  const fields = {
    domain: 'market.example',
    address: wallet.address,
    statement: 'Sign in to the market.',
    uri: 'https://market.example/login',
    version: '1',
    chainId: 1,
    nonce: generateNonce(),
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(now + 600_000).toISOString(),
    resources: ['https://market.example/terms'],
  };
  const message = new SiweMessage(fields).prepareMessage();
  const signature = await wallet.signMessage(message);
  const noStatement = new SiweMessage({ ...fields, statement: undefined }).prepareMessage();
  const noStatementSignature = await wallet.signMessage(noStatement);
  const [good, bare, otherDomain, expired, tampered] = mc([
    { op: 'siwe_verify', message, signature, domain: 'market.example', now_ms: now },
    { op: 'siwe_verify', message: noStatement, signature: noStatementSignature,
      domain: 'market.example', now_ms: now },
    { op: 'siwe_verify', message, signature, domain: 'evil.example', now_ms: now },
    { op: 'siwe_verify', message, signature, domain: 'market.example', now_ms: now + 601_000 },
    { op: 'siwe_verify', message: message.replace('Sign in to', 'Sign in at'), signature,
      domain: 'market.example', now_ms: now },
  ]);
  assert.equal(good.ok, true, good.detail);
  assert.equal(good.address, wallet.address);
  assert.equal(good.nonce, fields.nonce);
  assert.equal(bare.ok, true, bare.detail);
  assert.equal(otherDomain.detail, 'siwe_domain_mismatch');
  assert.equal(expired.detail, 'siwe_expired');
  assert.equal(tampered.detail, 'signer_mismatch');
  // And the siwe package agrees with our reading of its own message.
  const parsed = new SiweMessage(message);
  assert.equal(parsed.nonce, fields.nonce);
});

test('Standard Webhooks: we sign, the standardwebhooks package verifies, and back', () => {
  const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
  const body = JSON.stringify({ type: 'job.completed', data: { id: 'job_1' } });
  const timestamp = Math.floor(Date.now() / 1000);
  const { header } = mc({ op: 'webhook_sign', scheme: 'standard', secret, body, msg_id: 'msg_1',
    timestamp_s: timestamp });
  const webhook = new Webhook(secret);
  const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp),
    'webhook-signature': header };
  assert.deepEqual(webhook.verify(body, headers), JSON.parse(body));
  assert.throws(() => webhook.verify(body + ' ', headers));

  const theirs = webhook.sign('msg_2', new Date(timestamp * 1000), body);
  const [ok, bad] = mc([
    { op: 'webhook_verify', scheme: 'standard', secret, body, header: theirs, msg_id: 'msg_2',
      timestamp_s: timestamp, now_ms: Date.now() },
    { op: 'webhook_verify', scheme: 'standard', secret, body: tamper(body), header: theirs,
      msg_id: 'msg_2', timestamp_s: timestamp, now_ms: Date.now() },
  ]);
  assert.equal(ok.ok, true, ok.detail);
  assert.equal(bad.detail, 'webhook_bad_signature');
});

test("Stripe-Signature: we sign, Stripe's library verifies, and back", () => {
  const stripe = new Stripe('sk_test_interop');
  const secret = 'whsec_interop_secret';
  const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed' });
  const timestamp = Math.floor(Date.now() / 1000);
  const { header } = mc({ op: 'webhook_sign', scheme: 'stripe', secret, body,
    timestamp_s: timestamp });
  assert.equal(stripe.webhooks.constructEvent(body, header, secret).id, 'evt_1');
  assert.throws(() => stripe.webhooks.constructEvent(tamper(body), header, secret));

  const theirs = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
  const stale = stripe.webhooks.generateTestHeaderString({ payload: body, secret,
    timestamp: timestamp - 301 });
  const [ok, bad, old] = mc([
    { op: 'webhook_verify', scheme: 'stripe', secret, body, header: theirs, now_ms: Date.now() },
    { op: 'webhook_verify', scheme: 'stripe', secret: 'whsec_other', body, header: theirs,
      now_ms: Date.now() },
    { op: 'webhook_verify', scheme: 'stripe', secret, body, header: stale,
      now_ms: timestamp * 1000 },
  ]);
  assert.equal(ok.ok, true, ok.detail);
  assert.equal(bad.detail, 'webhook_bad_signature');
  assert.equal(old.detail, 'webhook_timestamp_out_of_tolerance');
});

test('hex and sha256= body signatures match Node HMAC', async () => {
  const { createHmac } = await import('node:crypto');
  const body = '{"event":"task.verified"}';
  const hex = createHmac('sha256', 'cb_secret').update(body).digest('hex');
  const [plain, prefixed, check] = mc([
    { op: 'webhook_sign', scheme: 'hex', secret: 'cb_secret', body },
    { op: 'webhook_sign', scheme: 'sha256', secret: 'cb_secret', body },
    { op: 'webhook_verify', scheme: 'sha256', secret: 'cb_secret', body, header: 'sha256=' + hex },
  ]);
  assert.equal(plain.header, hex);
  assert.equal(prefixed.header, 'sha256=' + hex);
  assert.equal(check.ok, true);
});

test('HS256 tokens: ours verify with jose, jose tokens verify with us, none is refused',
  async () => {
    const key = 'k'.repeat(32);
    const secret = new TextEncoder().encode(key);
    const now = Math.floor(Date.now() / 1000);
    const { token } = mc({ op: 'jwt_issue', key, sub: 'party_1', iss: 'marketcore', aud: 'j0',
      iat: now, exp: now + 600 });
    const { payload, protectedHeader } = await jose.jwtVerify(token, secret, {
      algorithms: ['HS256'], issuer: 'marketcore', audience: 'j0' });
    assert.equal(payload.sub, 'party_1');
    assert.equal(protectedHeader.alg, 'HS256');

    const theirs = await new jose.SignJWT({ role: 'worker' }).setProtectedHeader({ alg: 'HS256' })
      .setSubject('party_2').setIssuer('marketcore').setIssuedAt().setExpirationTime('10m')
      .sign(secret);
    const expired = await new jose.SignJWT({}).setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now - 3600).sign(secret);
    const unsecured = new jose.UnsecuredJWT({ sub: 'admin' }).setExpirationTime('10m').encode();
    const [ok, wrongIssuer, old, none, tampered] = mc([
      { op: 'jwt_verify', alg: 'HS256', key, token: theirs, now_ms: Date.now(),
        iss: 'marketcore' },
      { op: 'jwt_verify', alg: 'HS256', key, token: theirs, now_ms: Date.now(), iss: 'other' },
      { op: 'jwt_verify', alg: 'HS256', key, token: expired, now_ms: Date.now() },
      { op: 'jwt_verify', alg: 'HS256', key, token: unsecured, now_ms: Date.now() },
      { op: 'jwt_verify', alg: 'HS256', key, token: tamper(theirs), now_ms: Date.now() },
    ]);
    assert.equal(ok.ok, true, ok.detail);
    assert.equal(ok.sub, 'party_2');
    assert.equal(wrongIssuer.detail, 'jwt_wrong_issuer');
    assert.equal(old.detail, 'jwt_expired');
    assert.equal(none.detail, 'jwt_alg_not_allowed');
    assert.equal(tampered.ok, false);
  });

test('RS256 and ES256 tokens issued by jose verify with the configured public key', async () => {
  const requests = [];
  for (const alg of ['RS256', 'ES256']) {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { modulusLength: 2048 });
    const pem = await jose.exportSPKI(publicKey);
    const token = await new jose.SignJWT({}).setProtectedHeader({ alg }).setSubject('operator_1')
      .setIssuer('humanops-idp').setExpirationTime('5m').sign(privateKey);
    const other = await jose.generateKeyPair(alg, { modulusLength: 2048 });
    const forged = await new jose.SignJWT({}).setProtectedHeader({ alg }).setSubject('operator_1')
      .setExpirationTime('5m').sign(other.privateKey);
    requests.push(
      { op: 'jwt_verify', alg, public_key_pem: pem, token, now_ms: Date.now(),
        iss: 'humanops-idp' },
      { op: 'jwt_verify', alg, public_key_pem: pem, token: forged, now_ms: Date.now() });
  }
  const [rsOk, rsForged, esOk, esForged] = mc(requests);
  assert.equal(rsOk.ok, true, rsOk.detail);
  assert.equal(rsOk.sub, 'operator_1');
  assert.equal(rsForged.detail, 'jwt_bad_signature');
  assert.equal(esOk.ok, true, esOk.detail);
  assert.equal(esForged.detail, 'jwt_bad_signature');
});

const HKDF_INFO = new TextEncoder().encode('ECDH-P256-AES-256-GCM');

async function webcryptoAesKey(privateKey, publicKey) {
  const shared = await subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const material = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0),
    info: HKDF_INFO }, material, { name: 'AES-GCM', length: 256 }, false,
  ['encrypt', 'decrypt']);
}

test('E2EE: WebCrypto encrypts, we decrypt; we encrypt, WebCrypto decrypts', async () => {
  const credential = JSON.stringify({ username: 'agent', password: 'p@ss' });
  // Browser (operator) → agent key made by us.
  const agent = mc({ op: 'e2ee_keypair' });
  const agentPublic = await subtle.importKey('raw', Buffer.from(agent.public_key, 'base64'),
    { name: 'ECDH', namedCurve: 'P-256' }, true, []);
  const ephemeral = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true,
    ['deriveBits']);
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const aes = await webcryptoAesKey(ephemeral.privateKey, agentPublic);
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, aes,
    new TextEncoder().encode(credential));
  const blob = {
    ciphertext: Buffer.from(sealed).toString('base64'),
    iv: Buffer.from(iv).toString('base64'),
    ephemeralPublicKey: Buffer.from(await subtle.exportKey('raw', ephemeral.publicKey))
      .toString('base64'),
  };
  const opened = mc({ op: 'e2ee_decrypt', private_key: agent.private_key, ...blob });
  assert.equal(opened.ok, true, opened.detail);
  assert.equal(opened.plaintext, credential);
  const wrong = mc({ op: 'e2ee_decrypt', private_key: agent.private_key, ...blob,
    ciphertext: Buffer.from(Buffer.from(sealed).map((b, i) => (i === 0 ? b ^ 1 : b)))
      .toString('base64') });
  assert.equal(wrong.detail, 'e2ee_decrypt_failed');

  // We encrypt → agent key made by WebCrypto (SPKI form of the public key).
  const mine = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true,
    ['deriveBits']);
  const spki = Buffer.from(await subtle.exportKey('spki', mine.publicKey)).toString('base64');
  const encrypted = mc({ op: 'e2ee_encrypt', public_key: spki, plaintext: credential });
  assert.equal(encrypted.ok, true, encrypted.detail);
  const theirEphemeral = await subtle.importKey('raw',
    Buffer.from(encrypted.ephemeralPublicKey, 'base64'), { name: 'ECDH', namedCurve: 'P-256' },
    true, []);
  const key = await webcryptoAesKey(mine.privateKey, theirEphemeral);
  const plain = await subtle.decrypt({ name: 'AES-GCM', iv: Buffer.from(encrypted.iv, 'base64') },
    key, Buffer.from(encrypted.ciphertext, 'base64'));
  assert.equal(new TextDecoder().decode(plain), credential);
  // And our own key pair round-trips through a private key exported by WebCrypto.
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', mine.privateKey)).toString('base64');
  const reopened = mc({ op: 'e2ee_decrypt', private_key: pkcs8,
    ciphertext: encrypted.ciphertext, iv: encrypted.iv,
    ephemeralPublicKey: encrypted.ephemeralPublicKey });
  assert.equal(reopened.plaintext, credential);
});
