// HumanOps end to end: marketcore-server over loopback, clients written from the seed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:http";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const { subtle } = crypto.webcrypto;
const children = [];
const helpers = [];
const dir = mkdtempSync(join(tmpdir(), "mc-humanops-"));

function listen(handle) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => handle(req, Buffer.concat(chunks), res));
    });
    server.listen(0, "127.0.0.1", () => {
      helpers.push(server);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

function startServer(name, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.env.MC_SERVER,
      ["--listen", "127.0.0.1:0", "--database", join(dir, `${name}.db`), "--no-access-log", ...args],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let output = "";
    const seen = (chunk) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) resolve(match[1]);
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`server ${name} exited ${code}: ${output}`)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(base, method, path, { key, op, body, headers = {} } = {}) {
  const h = { ...headers };
  if (key) h["X-API-Key"] = key;
  if (op) h["X-Operator-Id"] = op;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(base + path, {
    method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

async function curl(...args) {
  const { stdout } = await promisify(execFile)("curl", ["-sS", ...args], { encoding: "utf8" });
  return JSON.parse(stdout);
}

// Per server: what entered the market, what left it, and who holds it.
const ledgers = new Map();
function ledger(base) {
  if (!ledgers.has(base)) ledgers.set(base, { deposited: 0, paidOut: 0, agents: [], operators: [] });
  return ledgers.get(base);
}

// deposits − payouts = agents' deposit + escrow balances + operators' earnings + platform fees.
async function checkConservation(base, api) {
  const l = ledger(base);
  let held = 0;
  let fees = 0;
  for (const key of l.agents) {
    const balance = (await call(base, "GET", `${api}/agents/balance`, { key })).body;
    held += Math.round(balance.deposit_balance * 100) + Math.round(balance.escrow_balance * 100);
    for (let offset = 0; ; offset += 100) {
      const page = (await call(base, "GET", `${api}/tasks?status=COMPLETED&limit=100&offset=${offset}`,
        { key })).body;
      for (const task of page.data) {
        const detail = (await call(base, "GET", `${api}/tasks/${task.task_id}`, { key })).body;
        fees += Math.round(detail.platform_fee_usd * 100);
      }
      if (page.data.length < 100) break;
    }
  }
  for (const op of l.operators) {
    const earnings = (await call(base, "GET", `${api}/operator/earnings`, { op })).body;
    held += Math.round(earnings.pending_balance * 100) + Math.round(earnings.available_balance * 100);
  }
  assert.equal(l.deposited - l.paidOut, held + fees);
}

let hashes = 0;
async function newAgent(base, api, funds = 0) {
  const registered = await call(base, "POST", `${api}/agents/register`,
    { body: { name: "bot", email: "bot@example.com" } });
  assert.equal(registered.status, 201);
  const key = registered.body.api_key;
  ledger(base).agents.push(key);
  while (funds > 0) {
    const part = Math.min(funds, 10000);
    const deposit = await call(base, "POST", `${api}/agents/deposit/usdc`,
      { key, body: { tx_hash: `0x${(++hashes).toString(16).padStart(64, "0")}`, amount_usdc: part.toFixed(2) } });
    assert.equal(deposit.status, 200, deposit.text);
    ledger(base).deposited += Math.round(part * 100);
    funds -= part;
  }
  return key;
}

let operators = 0;
async function newOperator(base, api) {
  const op = `op_${++operators}_${Date.now()}`;
  const registered = await call(base, "POST", `${api}/operator/register`, { op,
    body: { name: "Jane Doe", email: `${op}@example.com`, phone: "+1234567890",
            location: { city: "New York", country: "US" }, skills: ["VERIFICATION", "PHOTO"] } });
  assert.equal(registered.status, 201, registered.text);
  assert.equal(registered.body.kyc_status, "VERIFIED");
  assert.equal(registered.body.operator_id, op);
  ledger(base).operators.push(op);
  return op;
}

// The full server's clock runs ahead once a test moved it (POST /v1/test/clock); the other
// servers keep real time. Deadlines are set on the server's clock.
let clockOffsetMs = 0;
async function moveClock(seconds) {
  const moved = await call(full, "POST", "/v1/test/clock", { body: { advance_seconds: seconds } });
  assert.equal(moved.status, 200, moved.text);
  clockOffsetMs = moved.body.now_ms - Date.now();
}
function inDays(days, base = full) {
  const offset = base === full ? clockOffsetMs : 0;
  return new Date(Date.now() + offset + days * 86400000).toISOString();
}

function physicalTask(extra = {}) {
  return {
    title: "Verify storefront signage",
    description: "Take a clear photo of the sign at 123 Main St",
    location: { lat: 40.7128, lng: -74.006, address: "123 Main St, New York, NY" },
    reward_usd: 25,
    deadline: inDays(5),
    proof_requirements: ["Photo of storefront sign", "GPS-stamped image"],
    task_type: "VERIFICATION",
    ...extra,
  };
}

// The seed's receiver, verbatim in substance: HMAC over the raw body, timing-safe compare.
const callbacks = [];
const secret = "your-random-secret";
let callbackBase;
let verifierBase;
let root;      // --dialect humanops --prefix /
let full;      // every dialect, humanops at /humanops/api/v1, /v1 with the test clock
let guarded;   // with the local verifier

before(async () => {
  callbackBase = await listen((req, raw, res) => {
    const sig = String(req.headers["x-humanops-signature"] || "");
    const computed = crypto.createHmac("sha256", secret).update(raw).digest("hex");
    const ok = sig.length === computed.length &&
      crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(computed));
    if (!ok) { res.writeHead(401); res.end("Invalid signature"); return; }
    callbacks.push(JSON.parse(raw.toString("utf8")));
    res.writeHead(204);
    res.end();
  });
  verifierBase = await listen((req, raw, res) => {
    const task = JSON.parse(raw.toString("utf8"));
    const answer = (confidence, reasoning) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ decision: confidence >= 90 ? "APPROVE" : "REVIEW", confidence, reasoning }));
    };
    if (task.title.startsWith("approve")) answer(95, "All proof requirements met.");
    else if (task.title.startsWith("flag")) answer(70, "Sign partly hidden.");
    else if (task.title.startsWith("reject")) answer(20, "Wrong building.");
    else if (task.title.startsWith("fail")) { res.writeHead(500); res.end("boom"); }
    // "hang": never answers
  });
  root = await startServer("root", ["--dialect", "humanops", "--prefix", "/", "--markets", "humanops"]);
  full = await startServer("full", []);
  guarded = await startServer("guarded", ["--dialect", "humanops", "--markets", "humanops"], {
    MARKETCORE_HUMANOPS_VERIFIER_URL: `${verifierBase}/verify`,
    MARKETCORE_HUMANOPS_VERIFIER_TIMEOUT_MS: "1500",
    MARKETCORE_HUMANOPS_DLOCAL_SECRET: "dlocal-test-secret",
  });
});

after(() => {
  for (const child of children) child.kill("SIGTERM");
  for (const server of helpers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const API = "/humanops/api/v1";

test("the seed's Getting Started, literally, at the root", async () => {
  const domain = `${root}/api/v1`;
  const registered = await curl("-X", "POST", `${domain}/agents/register`,
    "-H", "Content-Type: application/json",
    "-d", '{"name": "my-agent", "email": "agent@example.com"}');
  assert.match(registered.api_key, /^ho_test_/);
  assert.equal(registered.message, "Save this API key - it won't be shown again.");
  const key = registered.api_key;
  ledger(root).agents.push(key);
  const deposit = await curl("-X", "POST", `${domain}/agents/deposit/usdc`,
    "-H", `X-API-Key: ${key}`, "-H", "Content-Type: application/json",
    "-d", '{"tx_hash": "0xabc...def", "amount_usdc": "100.00"}');
  assert.deepEqual(deposit.status, "confirmed");
  assert.equal(deposit.amount_usd, 100);
  assert.equal(deposit.chain, "base");
  ledger(root).deposited += 10000;
  const seedBody = `{
"title": "Verify storefront signage",
"description": "Take a photo of the signage at 123 Main St",
"location": {"lat": 40.7128, "lng": -74.006, "address": "123 Main St, NY"},
"reward_usd": 25,
"deadline": "2026-02-10T00:00:00Z",
"proof_requirements": ["Photo of storefront sign", "GPS-stamped image"],
"task_type": "VERIFICATION"
}`;
  // The seed's deadline lies in the past by now: refused, nothing escrowed.
  const stale = await curl("-X", "POST", `${domain}/tasks`, "-H", `X-API-Key: ${key}`,
    "-H", "Content-Type: application/json", "-d", seedBody);
  assert.match(stale.error, /deadline/);
  const future = seedBody.replace("2026-02-10T00:00:00Z", inDays(30, root));
  const task = await curl("-X", "POST", `${domain}/tasks`, "-H", `X-API-Key: ${key}`,
    "-H", "Content-Type: application/json", "-d", future);
  assert.equal(task.status, "PENDING");
  assert.equal(task.reward_usd, 25);
  assert.equal(task.platform_fee, 4.5);
  assert.equal(task.total_escrow, 29.5);
  const balance = await curl("-X", "GET", `${domain}/agents/balance`, "-H", `X-API-Key: ${key}`,
    "-H", "Content-Type: application/json");
  assert.deepEqual(balance, { deposit_balance: 70.5, escrow_balance: 29.5, currency: "USD" });
  // The same tx_hash never credits twice.
  const again = await call(domain, "POST", "/agents/deposit/usdc",
    { key, body: { tx_hash: "0xabc...def", amount_usdc: "100.00" } });
  assert.equal(again.status, 200);
  assert.equal(again.body.transaction_id, deposit.transaction_id);
  const other = await newAgent(root, "/api/v1");
  const stolen = await call(domain, "POST", "/agents/deposit/usdc",
    { key: other, body: { tx_hash: "0xabc...def", amount_usdc: "100.00" } });
  assert.equal(stolen.status, 409);
  assert.ok(stolen.body.error);
  await checkConservation(root, "/api/v1");
});

test("bad input: the seed's status codes, {error}, nothing changes", async () => {
  const key = await newAgent(full, API, 50);
  const cases = [
    [{ ...physicalTask(), reward_usd: 9.99 }, 400],
    [{ ...physicalTask(), reward_usd: 10000.01 }, 400],
    [{ ...physicalTask(), task_type: "DANCING" }, 400],
    [{ ...physicalTask(), location: undefined }, 400],
    [{ ...physicalTask(), task_type: "CAPTCHA_SOLVING", reward_usd: 10.01, location: undefined }, 400],
    [{ ...physicalTask(), task_type: "API_KEY_PROCUREMENT", location: undefined }, 400],
    [{ ...physicalTask(), reward_usd: 100 }, 402],
  ];
  for (const [body, status] of cases) {
    const response = await call(full, "POST", `${API}/tasks`, { key, body });
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(typeof response.body.error, "string");
  }
  const malformed = await fetch(`${full}${API}/tasks`, { method: "POST",
    headers: { "X-API-Key": key, "Content-Type": "application/json" }, body: "{nope" });
  assert.equal(malformed.status, 400);
  assert.ok((await malformed.json()).error);
  assert.equal((await call(full, "GET", `${API}/agents/balance`, {})).status, 401);
  assert.equal((await call(full, "GET", `${API}/agents/balance`, { key: "ho_test_nope" })).status, 401);
  const balance = (await call(full, "GET", `${API}/agents/balance`, { key })).body;
  assert.deepEqual(balance, { deposit_balance: 50, escrow_balance: 0, currency: "USD" });
  const tooSmall = await call(full, "POST", `${API}/agents/deposit/usdc`,
    { key, body: { tx_hash: "0xsmall", amount_usdc: "4.99" } });
  assert.equal(tooSmall.status, 400);
  await checkConservation(full, API);
});

test("Idempotency-Key: same body, one task and one escrow; other body, 409", async () => {
  const key = await newAgent(full, API, 100);
  const headers = { "Idempotency-Key": "retry-42" };
  const body = physicalTask({ deadline: inDays(9) });
  const first = await call(full, "POST", `${API}/tasks`, { key, body, headers });
  assert.equal(first.status, 201);
  const replay = await call(full, "POST", `${API}/tasks`, { key, body, headers });
  assert.equal(replay.status, 201);
  assert.equal(replay.body.task_id, first.body.task_id);
  const other = await call(full, "POST", `${API}/tasks`,
    { key, body: { ...body, title: "Something else" }, headers });
  assert.equal(other.status, 409);
  assert.ok(other.body.error);
  const tasks = (await call(full, "GET", `${API}/tasks`, { key })).body;
  assert.equal(tasks.pagination.total, 1);
  const balance = (await call(full, "GET", `${API}/agents/balance`, { key })).body;
  assert.equal(balance.escrow_balance, 29.5);
  await checkConservation(full, API);
});

test("operators: browse, two racing accepts, submit, manual verify, 7-day hold, payout", async () => {
  const key = await newAgent(full, API, 100);
  const jane = await newOperator(full, API);
  const joe = await newOperator(full, API);
  const created = await call(full, "POST", `${API}/tasks`, { key, body: physicalTask() });
  assert.equal(created.status, 201);
  const id = created.body.task_id;
  const browse = (await call(full, "GET", `${API}/operator/tasks?task_type=VERIFICATION&limit=100`, { op: jane })).body;
  const offered = browse.data.find((t) => t.task_id === id);
  assert.ok(offered);
  assert.deepEqual(offered.location, { lat: 40.7128, lng: -74.006 });
  // An agent key is no operator credential, and an unknown operator is nobody.
  assert.equal((await call(full, "GET", `${API}/operator/tasks`, { key })).status, 401);
  assert.equal((await call(full, "GET", `${API}/operator/tasks`, { op: "op_unknown" })).status, 401);
  const [a, b] = await Promise.all([
    call(full, "POST", `${API}/operator/tasks/${id}/accept`, { op: jane }),
    call(full, "POST", `${API}/operator/tasks/${id}/accept`, { op: joe }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const winner = a.status === 200 ? jane : joe;
  const loser = winner === jane ? joe : jane;
  assert.equal((await call(full, "POST", `${API}/operator/tasks/${id}/submit`,
    { op: loser, body: { photos: ["https://x/1.jpg"] } })).status, 403);
  // Upload a photo, then submit it.
  const form = new FormData();
  form.append("file", new Blob([Buffer.from("fake-jpeg")], { type: "image/jpeg" }), "proof.jpg");
  const uploaded = await fetch(`${full}${API}/operator/upload`,
    { method: "POST", headers: { "X-Operator-Id": winner }, body: form });
  assert.equal(uploaded.status, 200);
  const { url } = await uploaded.json();
  assert.equal(await (await fetch(url)).text(), "fake-jpeg");
  const submitted = await call(full, "POST", `${API}/operator/tasks/${id}/submit`,
    { op: winner, body: { photos: [url], notes: "Sign confirmed at location" } });
  assert.equal(submitted.status, 200, submitted.text);
  assert.equal(submitted.body.status, "SUBMITTED");
  // No verifier on this server: manual review.
  let detail;
  for (let i = 0; i < 50; i++) {
    detail = (await call(full, "GET", `${API}/tasks/${id}`, { key })).body;
    if (detail.guardian_result) break;
    await sleep(100);
  }
  assert.equal(detail.guardian_result.decision, "MANUAL_REVIEW");
  assert.equal(detail.status, "SUBMITTED");
  assert.equal(detail.task_domain, "PHYSICAL");
  assert.equal(detail.proof_type, "PHOTO");
  assert.deepEqual(detail.proof.photos, [url]);
  assert.equal(detail.operator.id, winner);
  const other = await newAgent(full, API);
  assert.equal((await call(full, "GET", `${API}/tasks/${id}`, { key: other })).status, 404);
  assert.equal((await call(full, "POST", `${API}/tasks/${id}/verify`, { key: other, body: { decision: "APPROVE" } })).status, 404);
  const verified = await call(full, "POST", `${API}/tasks/${id}/verify`, { key, body: { decision: "APPROVE" } });
  assert.equal(verified.status, 200);
  assert.equal(verified.body.status, "COMPLETED");
  let earnings = (await call(full, "GET", `${API}/operator/earnings`, { op: winner })).body;
  assert.equal(earnings.pending_balance, 25);
  assert.equal(earnings.available_balance, 0);
  assert.equal(earnings.recent_tasks[0].task_id, id);
  assert.equal((await call(full, "POST", `${API}/operator/payout`, { op: winner, body: { amount_usd: 10 } })).status, 400);
  await checkConservation(full, API);
  // Seven days later on the test clock the reward is available.
  await moveClock(7 * 86400);
  earnings = (await call(full, "GET", `${API}/operator/earnings`, { op: winner })).body;
  assert.equal(earnings.available_balance, 25);
  assert.equal((await call(full, "POST", `${API}/operator/payout`, { op: winner, body: { amount_usd: 9.99 } })).status, 400);
  const payout = await call(full, "POST", `${API}/operator/payout`, { op: winner, body: { amount_usd: 10 } });
  assert.equal(payout.status, 200);
  assert.equal(payout.body.status, "completed");
  ledger(full).paidOut += 1000;
  const status = await call(full, "GET", `${API}/operator/payout/status/${payout.body.payout_id}`, { op: winner });
  assert.equal(status.body.amount_usd, 10);
  await checkConservation(full, API);
});

test("deadlines: 410 past the deadline; cancel refunds in PENDING and ACCEPTED only", async () => {
  const key = await newAgent(full, API, 200);
  const jane = await newOperator(full, API);
  const soon = await call(full, "POST", `${API}/tasks`, { key, body: physicalTask({ deadline: inDays(0.5) }) });
  const pending = await call(full, "POST", `${API}/tasks`, { key, body: physicalTask({ deadline: inDays(60) }) });
  const accepted = await call(full, "POST", `${API}/tasks`, { key, body: physicalTask({ deadline: inDays(60) }) });
  assert.equal((await call(full, "POST", `${API}/operator/tasks/${accepted.body.task_id}/accept`, { op: jane })).status, 200);
  await moveClock(86400);
  const late = await call(full, "POST", `${API}/operator/tasks/${soon.body.task_id}/accept`, { op: jane });
  assert.equal(late.status, 410);
  assert.ok(late.body.error);
  for (const task of [pending, accepted]) {
    const cancelled = await call(full, "POST", `${API}/tasks/${task.body.task_id}/cancel`, { key });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, "CANCELLED");
    assert.equal(cancelled.body.refunded_usd, 29.5);
  }
  assert.equal((await call(full, "POST", `${API}/tasks/${pending.body.task_id}/cancel`, { key })).status, 409);
  const balance = (await call(full, "GET", `${API}/agents/balance`, { key })).body;
  assert.deepEqual(balance, { deposit_balance: 200, escrow_balance: 0, currency: "USD" });
  await checkConservation(full, API);
});

// P-256 ECDH + HKDF-SHA-256 (empty salt, info "ECDH-P256-AES-256-GCM") + AES-256-GCM, as the
// operator's browser does it.
async function encryptFor(agentPublicKeyB64, plaintext) {
  const agentKey = await subtle.importKey("raw", Buffer.from(agentPublicKeyB64, "base64"),
    { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ephemeral = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const aesKey = await deriveAes(ephemeral.privateKey, agentKey, ["encrypt"]);
  const iv = crypto.randomBytes(12);
  const ciphertext = await subtle.encrypt({ name: "AES-GCM", iv }, aesKey, Buffer.from(plaintext));
  return {
    ciphertext: Buffer.from(ciphertext).toString("base64"),
    iv: iv.toString("base64"),
    ephemeralPublicKey: Buffer.from(await subtle.exportKey("raw", ephemeral.publicKey)).toString("base64"),
    algorithm: "ECDH-P256-AES-256-GCM",
    createdAt: new Date().toISOString(),
  };
}

async function deriveAes(privateKey, publicKey, usages) {
  const bits = await subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256);
  const hkdf = await subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
  return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0),
    info: Buffer.from("ECDH-P256-AES-256-GCM") }, hkdf, { name: "AES-GCM", length: 256 }, false, usages);
}

async function decryptWith(privateKey, blob) {
  const ephemeral = await subtle.importKey("raw", Buffer.from(blob.ephemeralPublicKey, "base64"),
    { name: "ECDH", namedCurve: "P-256" }, false, []);
  const aesKey = await deriveAes(privateKey, ephemeral, ["decrypt"]);
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: Buffer.from(blob.iv, "base64") }, aesKey,
    Buffer.from(blob.ciphertext, "base64"));
  return Buffer.from(plain).toString("utf8");
}

test("E2EE credential: WebCrypto on both ends, the blob returned unchanged, only to its agent", async () => {
  const key = await newAgent(full, API, 100);
  const jane = await newOperator(full, API);
  const pair = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const publicKey = Buffer.from(await subtle.exportKey("raw", pair.publicKey)).toString("base64");
  const missing = await call(full, "POST", `${API}/tasks`, { key, body: {
    title: "Create Acme API account", description: "Sign up at acme.io", reward_usd: 50,
    deadline: inDays(5), proof_requirements: ["API key delivered via encrypted channel"],
    task_type: "API_KEY_PROCUREMENT" } });
  assert.equal(missing.status, 400);
  const created = await call(full, "POST", `${API}/tasks`, { key, body: {
    title: "Create Acme API account", description: "Sign up at acme.io and retrieve API credentials",
    reward_usd: 50, deadline: inDays(5), proof_requirements: ["API key delivered via encrypted channel"],
    task_type: "API_KEY_PROCUREMENT", agent_public_key: publicKey,
    digital_instructions: "1. Go to acme.io/signup\n2. Create account" } });
  assert.equal(created.status, 201, created.text);
  const id = created.body.task_id;
  const offered = (await call(full, "GET", `${API}/operator/tasks?task_type=API_KEY_PROCUREMENT`, { op: jane }))
    .body.data.find((t) => t.task_id === id);
  assert.equal(offered.agent_public_key, publicKey);
  assert.equal(offered.task_domain, "DIGITAL");
  assert.equal(offered.proof_type, "ARTIFACT");
  const accepted = await call(full, "POST", `${API}/operator/tasks/${id}/accept`, { op: jane });
  assert.equal(accepted.body.agent_public_key, publicKey);
  const secretJson = JSON.stringify({ api_key: "sk_live_123", dashboard_url: "https://acme.io" });
  const blob = await encryptFor(accepted.body.agent_public_key, secretJson);
  const submitted = await call(full, "POST", `${API}/operator/tasks/${id}/submit`,
    { op: jane, body: { encrypted_credential: blob, notes: "Account created" } });
  assert.equal(submitted.status, 200, submitted.text);
  assert.equal((await call(full, "GET", `${API}/tasks/${id}/retrieve-credential`, { key })).status, 409);
  const detail = (await call(full, "GET", `${API}/tasks/${id}`, { key })).body;
  assert.ok(!JSON.stringify(detail).includes(blob.ciphertext));
  assert.equal((await call(full, "POST", `${API}/tasks/${id}/verify`, { key, body: { decision: "APPROVE" } })).status, 200);
  for (const method of ["GET", "POST"]) {
    const got = await call(full, method, `${API}/tasks/${id}/retrieve-credential`, { key });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.encrypted_credential, blob);
    assert.equal(await decryptWith(pair.privateKey, got.body.encrypted_credential), secretJson);
  }
  const other = await newAgent(full, API);
  assert.equal((await call(full, "GET", `${API}/tasks/${id}/retrieve-credential`, { key: other })).status, 404);
  assert.equal((await call(full, "GET", `${API}/tasks/${id}/retrieve-credential`, { op: jane })).status, 401);
  await checkConservation(full, API);
});

test("verifier routes and signed callbacks: approve, flag, reject, fail, hang", async () => {
  const key = await newAgent(guarded, API, 200);
  const jane = await newOperator(guarded, API);
  const expected = { approve: ["task.verified", "COMPLETED"], flag: ["task.manual_review", "SUBMITTED"],
    reject: ["task.disputed", "DISPUTED"], fail: ["task.manual_review", "SUBMITTED"],
    hang: ["task.manual_review", "SUBMITTED"] };
  const ids = {};
  for (const title of Object.keys(expected)) {
    const created = await call(guarded, "POST", `${API}/tasks`, { key, body: physicalTask({
      title, deadline: inDays(5, guarded), callback_url: `${callbackBase}/webhook/humanops`, callback_secret: secret }) });
    assert.equal(created.status, 201, created.text);
    assert.ok(!created.text.includes(secret));
    ids[title] = created.body.task_id;
    assert.equal((await call(guarded, "POST", `${API}/operator/tasks/${ids[title]}/accept`, { op: jane })).status, 200);
    assert.equal((await call(guarded, "POST", `${API}/operator/tasks/${ids[title]}/submit`,
      { op: jane, body: { photos: ["https://r2.example/p.jpg"], notes: title } })).status, 200);
  }
  for (let i = 0; i < 100 && callbacks.length < 5; i++) await sleep(100);
  for (const [title, [event, status]] of Object.entries(expected)) {
    const got = callbacks.find((c) => c.task_id === ids[title]);
    assert.ok(got, `callback for ${title}`);
    assert.equal(got.event, event, title);
    assert.ok(got.timestamp);
    const detail = (await call(guarded, "GET", `${API}/tasks/${ids[title]}`, { key })).body;
    assert.equal(detail.status, status, title);
    assert.ok(!JSON.stringify(detail).includes(secret));
  }
  assert.equal(callbacks.find((c) => c.task_id === ids.approve).guardian_result.confidence, 95);
  await checkConservation(guarded, API);
});

test("rate limit: 10 uploads a minute per IP and path, then 429 with an error", async () => {
  const jane = await newOperator(root, "/api/v1");
  let limited = null;
  for (let i = 0; i < 11; i++) {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("x")], { type: "image/png" }), "p.png");
    const response = await fetch(`${root}/api/v1/operator/upload`,
      { method: "POST", headers: { "X-Operator-Id": jane }, body: form });
    if (response.status === 429) { limited = await response.json(); break; }
    assert.equal(response.status, 200);
  }
  // A fixed window: the 11th is refused, unless the minute turned over in between.
  if (limited) assert.equal(typeof limited.error, "string");
});

test("authorization: every route × agent, other agent, operator, other operator, anonymous, admin", async () => {
  const a = await newAgent(full, API, 300);
  const b = await newAgent(full, API, 100);
  const o = await newOperator(full, API);
  const p = await newOperator(full, API);
  const who = {
    agent: { "X-API-Key": a }, otherAgent: { "X-API-Key": b },
    operator: { "X-Operator-Id": o }, otherOperator: { "X-Operator-Id": p },
    anonymous: {}, admin: { "X-Admin-Key": "mc_admin_not_a_principal" },
  };
  const post = async (body) => (await call(full, "POST", `${API}/tasks`, { key: a, body })).body.task_id;
  const pending = await post(physicalTask({ deadline: inDays(5) }));
  const submitted = await post(physicalTask({ deadline: inDays(5) }));
  const offered = await post(physicalTask({ deadline: inDays(5) }));
  assert.equal((await call(full, "POST", `${API}/operator/tasks/${submitted}/accept`, { op: o })).status, 200);
  assert.equal((await call(full, "POST", `${API}/operator/tasks/${submitted}/submit`,
    { op: o, body: { photos: ["https://r2.example/a.jpg"] } })).status, 200);
  const extraKey = (await call(full, "POST", `${API}/agents/keys`, { key: a, body: { name: "extra" } })).body.id;
  let hashes = 0;
  const none = { agent: 401, otherAgent: 401, operator: 401, otherOperator: 401, anonymous: 401, admin: 401 };
  const agentsOnly = (agent, otherAgent) => ({ ...none, agent, otherAgent });
  const operatorsOnly = (operator, otherOperator) => ({ ...none, operator, otherOperator });
  // [method, path, body (a function of the identity), expected per identity]; identities run in
  // the order of `who` with the owner last where the route changes state.
  const order = ["otherAgent", "operator", "otherOperator", "anonymous", "admin", "agent"];
  const opOrder = ["agent", "otherAgent", "anonymous", "admin", "operator", "otherOperator"];
  const table = [
    ["GET", "/agents/balance", null, agentsOnly(200, 200)],
    ["GET", "/agents/keys", null, agentsOnly(200, 200)],
    ["POST", "/agents/keys", () => ({ name: "k" }), agentsOnly(201, 201)],
    ["DELETE", `/agents/keys/${extraKey}`, null, agentsOnly(200, 404)],
    ["POST", "/agents/deposit/usdc", () => ({ tx_hash: `0xauthz${++hashes}`, amount_usdc: "5.00" }), agentsOnly(200, 200)],
    ["GET", "/tasks", null, agentsOnly(200, 200)],
    ["GET", `/tasks/${submitted}`, null, agentsOnly(200, 404)],
    ["GET", `/tasks/${submitted}/retrieve-credential`, null, agentsOnly(409, 404)],
    ["POST", `/tasks/${pending}/cancel`, null, agentsOnly(200, 404)],
    ["POST", `/tasks/${submitted}/verify`, () => ({ decision: "APPROVE" }), agentsOnly(200, 404)],
    ["POST", "/tasks", () => physicalTask({ deadline: inDays(5) }), agentsOnly(201, 201)],
    ["GET", "/operator/tasks", null, operatorsOnly(200, 200)],
    ["POST", `/operator/tasks/${offered}/accept`, null, operatorsOnly(200, 409), opOrder],
    ["POST", `/operator/tasks/${offered}/submit`, () => ({ photos: ["https://r2.example/b.jpg"] }), operatorsOnly(200, 403), opOrder],
    ["GET", "/operator/earnings", null, operatorsOnly(200, 200)],
    ["POST", "/operator/payout", () => ({ amount_usd: 10 }), operatorsOnly(400, 400)],
    ["GET", "/operator/payout/status/payout_nope", null, operatorsOnly(404, 404)],
    ["POST", "/operator/register", () => ({ name: "Again", email: `again${++hashes}@example.com` }),
      { ...none, operator: 409, otherOperator: 409 }],
    ["POST", "/agents/register", () => ({ name: "n", email: "n@example.com" }),
      { agent: 201, otherAgent: 201, operator: 201, otherOperator: 201, anonymous: 201, admin: 201 }],
  ];
  for (const [method, path, body, expected, sequence = order] of table) {
    for (const identity of sequence) {
      const response = await call(full, method, `${API}${path}`,
        { headers: who[identity], body: body ? body() : undefined });
      assert.equal(response.status, expected[identity], `${method} ${path} as ${identity}: ${response.text}`);
      if (response.status >= 400) assert.equal(typeof response.body.error, "string");
      if (identity === "otherAgent" && response.status === 404) assert.ok(!response.text.includes("storefront"));
      if (path === "/agents/register" && response.status === 201) ledger(full).agents.push(response.body.api_key);
      if (path === "/agents/deposit/usdc" && response.status === 200) ledger(full).deposited += 500;
    }
  }
  await checkConservation(full, API);
});

test("dLocal webhook: signed, credits the order's agent once; fiat deposits in test mode", async () => {
  const registered = await call(guarded, "POST", `${API}/agents/register`,
    { body: { name: "fiat", email: "fiat@example.com" } });
  const key = registered.body.api_key;
  ledger(guarded).agents.push(key);
  const fiat = await call(guarded, "POST", `${API}/agents/deposit`,
    { key, body: { amount_usd: 100, payment_method: "card" } });
  assert.equal(fiat.status, 200);
  assert.equal(fiat.body.status, "completed");
  assert.equal(fiat.body.message, "Funds added (test mode)");
  ledger(guarded).deposited += 10000;
  const status = await call(guarded, "GET",
    `${API}/agents/deposit/status?payment_id=${fiat.body.payment_id}`, { key });
  assert.deepEqual(status.body, { payment_id: fiat.body.payment_id, status: "completed", amount_usd: 100 });
  const order = `${registered.body.agent_id}_${Date.now()}`;
  const body = JSON.stringify({ status: "PAID", order_id: order, amount: 50 });
  const sign = (text) => crypto.createHmac("sha256", "dlocal-test-secret").update(text).digest("hex");
  const post = (text, signature) => fetch(`${guarded}${API}/webhooks/dlocal`, { method: "POST",
    headers: { "Content-Type": "application/json", "X-Signature": signature }, body: text });
  const forged = await post(body, sign(body + " "));
  assert.equal(forged.status, 401);
  const first = await post(body, sign(body));
  assert.equal(first.status, 200);
  const credited = await first.json();
  assert.equal(credited.credited, true);
  const again = await (await post(body, sign(body))).json();
  assert.equal(again.transaction_id, credited.transaction_id);
  ledger(guarded).deposited += 5000;
  const pending = JSON.stringify({ status: "PENDING", order_id: order, amount: 50 });
  assert.equal((await (await post(pending, sign(pending))).json()).credited, false);
  const stranger = JSON.stringify({ status: "PAID", order_id: "agent_999999_1", amount: 50 });
  assert.equal((await post(stranger, sign(stranger))).status, 400);
  const balance = (await call(guarded, "GET", `${API}/agents/balance`, { key })).body;
  assert.equal(balance.deposit_balance, 150);
  await checkConservation(guarded, API);
});

test("verification survives a restart: a proof submitted before a crash is routed after it", async () => {
  const approveBase = await listen((req, raw, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ decision: "APPROVE", confidence: 97, reasoning: "Looks right." }));
  });
  const args = ["--dialect", "humanops", "--markets", "humanops"];
  // The first verifier never answers (title "hang"); the server is killed while it waits.
  const first = await startServer("restart", args, {
    MARKETCORE_HUMANOPS_VERIFIER_URL: `${verifierBase}/verify`,
    MARKETCORE_HUMANOPS_VERIFIER_TIMEOUT_MS: "60000",
  });
  const key = await newAgent(first, API, 100);
  const jane = await newOperator(first, API);
  const id = (await call(first, "POST", `${API}/tasks`,
    { key, body: physicalTask({ title: "hang", deadline: inDays(5, first) }) })).body.task_id;
  assert.equal((await call(first, "POST", `${API}/operator/tasks/${id}/accept`, { op: jane })).status, 200);
  assert.equal((await call(first, "POST", `${API}/operator/tasks/${id}/submit`,
    { op: jane, body: { photos: ["https://r2.example/r.jpg"] } })).status, 200);
  await sleep(300);
  const child = children[children.length - 1];
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  const second = await startServer("restart", args, {
    MARKETCORE_HUMANOPS_VERIFIER_URL: `${approveBase}/verify`,
  });
  ledgers.set(second, ledger(first));
  let detail;
  for (let i = 0; i < 50; i++) {
    detail = (await call(second, "GET", `${API}/tasks/${id}`, { key })).body;
    if (detail.status === "COMPLETED") break;
    await sleep(100);
  }
  assert.equal(detail.status, "COMPLETED");
  assert.equal(detail.guardian_result.confidence, 97);
  await checkConservation(second, API);
});

// An HS256 JWT as an identity provider (Clerk-style) issues it.
function jwt(secret, claims) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${unsigned}.${crypto.createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

test("production: admin key to register, ho_live_ keys, operators by JWT with KYC PENDING", async () => {
  const admin = "production-admin-secret-0123456789";
  const secret = "operator-jwt-secret-0123456789abcdef";
  const prod = await startServer("production", ["--production", "--admin-key", admin,
    "--dialect", "humanops", "--markets", "humanops"], { MARKETCORE_HUMANOPS_JWT_SECRET: secret });
  const refused = await call(prod, "POST", `${API}/agents/register`, { body: { name: "p", email: "p@example.com" } });
  assert.equal(refused.status, 403);
  const registered = await call(prod, "POST", `${API}/agents/register`,
    { body: { name: "p", email: "p@example.com" }, headers: { "X-Admin-Key": admin } });
  assert.equal(registered.status, 201);
  assert.match(registered.body.api_key, /^ho_live_/);
  // Production has no instant deposits: without a chain confirmer USDC is refused.
  const deposit = await call(prod, "POST", `${API}/agents/deposit/usdc`, { key: registered.body.api_key,
    body: { tx_hash: `0x${"ab".repeat(32)}`, amount_usdc: "100.00" } });
  assert.equal(deposit.status, 503);
  // The dev header is not an identity in production.
  const dev = await call(prod, "POST", `${API}/operator/register`,
    { op: "op_dev", body: { name: "Dev", email: "dev@example.com" } });
  assert.equal(dev.status, 401);
  const now = Math.floor(Date.now() / 1000);
  const token = jwt(secret, { sub: "user_2abc", exp: now + 600 });
  const bearer = { Authorization: `Bearer ${token}` };
  const op = await call(prod, "POST", `${API}/operator/register`,
    { headers: bearer, body: { name: "Jane", email: "jane@example.com" } });
  assert.equal(op.status, 201);
  assert.deepEqual(op.body, { operator_id: "user_2abc", name: "Jane", kyc_status: "PENDING" });
  assert.equal((await call(prod, "GET", `${API}/operator/tasks`, { headers: bearer })).status, 200);
  const forged = { Authorization: `Bearer ${jwt("another-secret-0123456789abcdef0123", { sub: "user_2abc", exp: now + 600 })}` };
  assert.equal((await call(prod, "GET", `${API}/operator/tasks`, { headers: forged })).status, 401);
  const expired = { Authorization: `Bearer ${jwt(secret, { sub: "user_2abc", exp: now - 3600 })}` };
  assert.equal((await call(prod, "GET", `${API}/operator/earnings`, { headers: expired })).status, 401);
});
