// AACP end to end: marketcore-server over loopback, wallets from viem signing the seed's
// X-Wallet-* headers (EIP-191 personal_sign over "AACP:<action>:<resourceId>:<timestamp_ms>").
// The public reads in the seed's shapes; every stand-in of the lifecycle; offers (gates,
// idempotent submit, withdraw, a race of provider picks); replayed, stale and tampered
// signatures refused, also after a restart; disputes judged by commit-reveal on the test clock;
// SSE resume by Last-Event-ID; money conserved after every scenario.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { keccak256, toBytes } from "viem";

const children = [];
const dir = mkdtempSync(join(tmpdir(), "mc-aacp-"));
const API = "/aacp/api/v1";
const USDC = 1_000_000n;

function startServer(name, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.env.MC_SERVER,
      ["--listen", "127.0.0.1:0", "--database", join(dir, `${name}.db`), "--no-access-log", ...args],
      { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let output = "";
    const seen = (chunk) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) resolve({ base: match[1], child });
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`server ${name} exited ${code}: ${output}`)));
  });
}

async function serverNow(base) {
  const clock = await fetch(`${base}/v1/test/clock`);
  return (await clock.json()).now_ms;
}

async function call(base, method, path, { body, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(base + path, {
    method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

async function signedHeaders(base, account, action, resource, at) {
  const timestamp = String(at ?? await serverNow(base));
  const signature = await account.signMessage({ message: `AACP:${action}:${resource}:${timestamp}` });
  return { "X-Wallet-Address": account.address, "X-Wallet-Signature": signature,
           "X-Wallet-Timestamp": timestamp };
}

async function signed(base, account, method, path, action, resource, body) {
  const headers = await signedHeaders(base, account, action, resource);
  return call(base, method, API + path, { body, headers });
}

// Per server: money in and out, and the agents that hold it.
const books = new Map();
function book(base) {
  if (!books.has(base)) books.set(base, { deposited: 0n, withdrawn: 0n, agents: [] });
  return books.get(base);
}

let nextAgent = 100;
async function newAgent(base, { balance = 0n, pool = 0n, evaluator = false, score = 90 } = {}) {
  const account = privateKeyToAccount(generatePrivateKey());
  const agentId = String(++nextAgent);
  const registered = await signed(base, account, "POST", "/agents/register", "register", agentId,
    { agentId, ownerAddress: account.address, name: `agent ${agentId}`, evaluator,
      reputation: { score } });
  assert.equal(registered.status, 201, registered.text);
  assert.equal(registered.body.data.ownerAddress, account.address);
  for (const [path, action, amount] of [["/balance/deposit", "balanceDeposit", balance],
                                        ["/staking/deposit", "deposit", pool]]) {
    if (amount === 0n) continue;
    const done = await signed(base, account, "POST", path, action, agentId,
      { agentId, ownerAddress: account.address, amount: String(amount) });
    assert.equal(done.status, 200, done.text);
    book(base).deposited += amount;
  }
  book(base).agents.push(agentId);
  return { account, agentId };
}

// deposits − withdrawals = agents' balances and pools (available + locked) + escrow + dispute
// deposits held + platform fees.
async function checkConservation(base) {
  const b = book(base);
  let held = 0n;
  for (const agentId of b.agents) {
    const agent = (await call(base, "GET", `${API}/agents/${agentId}`)).body.data;
    held += BigInt(agent.balance) + BigInt(agent.stakingPool.available) +
            BigInt(agent.stakingPool.locked);
  }
  for (let page = 1; ; ++page) {
    const list = (await call(base, "GET", `${API}/jobs?limit=100&page=${page}`)).body;
    for (const job of list.data) {
      held += BigInt(job.escrowBalance);
      if (job.platformFee !== null) held += BigInt(job.platformFee);
      if (job.dispute && job.dispute.status === "OPEN") held += BigInt(job.dispute.deposit);
    }
    if (list.data.length < 100) break;
  }
  assert.equal(b.deposited - b.withdrawn, held);
}

let full;   // every dialect; AACP at /aacp/api/v1, /v1 with the test clock
let root;   // AACP alone at the root (/api/v1)

before(async () => {
  full = (await startServer("full")).base;
  root = (await startServer("root", ["--dialect", "aacp", "--prefix", "/", "--markets", "aacp"])).base;
});

after(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function openJob(base, client, evaluator, extra = {}) {
  const deadline = String(Math.floor(await serverNow(base) / 1000) + 7 * 24 * 3600);
  const created = await signed(base, client.account, "POST", "/jobs", "jobs", client.agentId, {
    clientId: client.agentId, evaluatorId: evaluator.agentId, budget: String(100n * USDC),
    deadline, strategyType: "PROGRAM", programHash: "0xprog", rubricHash: "0xrubric", ...extra });
  assert.equal(created.status, 201, created.text);
  return created.body.data.jobId;
}

async function submittedJob(base) {
  const client = await newAgent(base, { balance: 1000n * USDC, pool: 100n * USDC });
  const provider = await newAgent(base, { pool: 200n * USDC });
  const evaluator = await newAgent(base, { pool: 100n * USDC, evaluator: true });
  const jobId = await openJob(base, client, evaluator);
  assert.equal((await signed(base, client.account, "POST", `/jobs/${jobId}/fund`, "fund", jobId,
    { expectedBudget: String(100n * USDC) })).status, 200);
  assert.equal((await signed(base, provider.account, "POST", `/jobs/${jobId}/offers`, "offers",
    jobId, { agentId: provider.agentId, ownerAddress: provider.account.address })).status, 200);
  assert.equal((await signed(base, client.account, "POST", `/jobs/${jobId}/provider`, "provider",
    jobId, { agentId: provider.agentId })).status, 200);
  const submitted = await signed(base, provider.account, "POST", `/jobs/${jobId}/submit`,
    "submit", jobId, { deliverableHash: "0xdeliverable" });
  assert.equal(submitted.status, 200, submitted.text);
  return { client, provider, evaluator, jobId };
}

test("the seed's reads: shapes, filters, pagination, errors", async () => {
  const client = await newAgent(full, { balance: 1000n * USDC, pool: 100n * USDC });
  const evaluator = await newAgent(full, { pool: 100n * USDC, evaluator: true });
  const jobId = await openJob(full, client, evaluator, {
    strategyType: "CEX_CAPITAL", cexConfig: { stopLossBps: 1000, targetReturnBps: 2000 } });
  const { status, body } = await call(full, "GET", `${API}/jobs/${jobId}`);
  assert.equal(status, 200);
  assert.equal(body.success, true);
  const job = body.data;
  assert.equal(job.jobId, jobId);
  assert.equal(job.status, "OPEN");
  assert.equal(job.strategyType, "CEX_CAPITAL");
  assert.equal(job.clientId, client.agentId);
  assert.equal(job.providerId, null);
  assert.equal(job.evaluatorId, evaluator.agentId);
  assert.equal(job.budget, "100000000");
  assert.equal(job.escrowBalance, "0");
  for (const key of ["deliverableHash", "passed", "platformFee", "evaluatorFee", "providerPayment",
                     "onchainSubmittedAt", "onchainSettledAt", "provider", "dispute"]) {
    assert.equal(job[key], null, key);
  }
  assert.match(job.onchainCreatedAt, /^\d+$/);
  assert.match(job.onchainDeadline, /^\d+$/);
  assert.equal(job.client.agentId, client.agentId);
  assert.equal(job.client.ownerAddress, client.account.address);
  assert.equal(job.client.source, "AACP");
  assert.deepEqual(job.client.reputation, { score: 90, totalJobs: 1, completedJobs: 0 });
  assert.deepEqual(job.client.stakingPool, { available: "100000000", locked: "0" });
  assert.deepEqual(job.evaluator.evaluatorCapability, { strategyType: "CEX_CAPITAL" });
  assert.deepEqual(job.cexConfig, { stopLossBps: 1000, targetReturnBps: 2000 });
  assert.deepEqual(job.stakeLocks, []);
  assert.deepEqual(job.snapshots, []);
  assert.deepEqual(job.offers, []);
  assert.match(job.lifecycle.created.txHash, /^0x[0-9a-f]{64}$/);
  assert.equal(job.lifecycle.submitted, null);
  // A non-CEX job has no cexConfig.
  const plain = await openJob(full, client, evaluator);
  assert.equal("cexConfig" in (await call(full, "GET", `${API}/jobs/${plain}`)).body.data, false);
  // Filters and pagination.
  const mine = await call(full, "GET", `${API}/jobs?ownerAddress=${evaluator.account.address}&limit=1`);
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.body.pagination, { page: 1, limit: 1, total: 2 });
  assert.equal(mine.body.data.length, 1);
  const byRole = await call(full, "GET",
    `${API}/jobs?clientId=${client.agentId}&strategyType=CEX_CAPITAL&status=OPEN`);
  assert.equal(byRole.body.pagination.total, 1);
  assert.equal((await call(full, "GET", `${API}/jobs?evaluatorId=${evaluator.agentId}`)).body
    .pagination.total, 2);
  assert.equal((await call(full, "GET", `${API}/jobs?providerId=${client.agentId}`)).body
    .pagination.total, 0);
  const defaults = (await call(full, "GET", `${API}/jobs`)).body.pagination;
  assert.equal(defaults.page, 1);
  assert.equal(defaults.limit, 20);
  const bad = await call(full, "GET", `${API}/jobs?status=NOPE`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.success, false);
  assert.equal(typeof bad.body.error, "string");
  const missing = await call(full, "GET", `${API}/jobs/999999`);
  assert.deepEqual([missing.status, missing.body], [404, { success: false, error: "Job not found" }]);
  assert.equal((await call(full, "GET", `${API}/jobs/${jobId}/dispute`)).body.data, null);
  assert.deepEqual((await call(full, "GET", `${API}/jobs/${jobId}/offers`)).body,
    { success: true, data: [] });
  assert.equal((await call(full, "GET", `${API}/jobs/${jobId}/snapshots`)).body.data.length, 0);
  // At the root the seed's own paths.
  const rootList = await call(root, "GET", "/api/v1/jobs");
  assert.equal(rootList.status, 200);
  assert.deepEqual(rootList.body.pagination, { page: 1, limit: 20, total: 0 });
  await checkConservation(full);
});

test("the full path: offers, fund, pick, submit, complete; fees only on completion", async () => {
  const client = await newAgent(full, { balance: 1000n * USDC, pool: 100n * USDC });
  const provider = await newAgent(full, { pool: 200n * USDC });
  const rival = await newAgent(full, { pool: 200n * USDC });
  const newcomer = await newAgent(full, { pool: 200n * USDC, score: 60 });
  const poor = await newAgent(full, { pool: 99n * USDC });
  const evaluator = await newAgent(full, { pool: 100n * USDC, evaluator: true });
  const bystander = await newAgent(full, { pool: 100n * USDC });
  // Naming an agent that has not opted in as evaluator is refused.
  const deadline = String(Math.floor(await serverNow(full) / 1000) + 3600);
  const refused = await signed(full, client.account, "POST", "/jobs", "jobs", client.agentId, {
    clientId: client.agentId, evaluatorId: bystander.agentId, budget: "1000000", deadline,
    strategyType: "PROGRAM" });
  assert.equal(refused.status, 403);
  const jobId = await openJob(full, client, evaluator);
  const offer = (who, owner = who.account.address, as = who) => signed(full, as.account, "POST",
    `/jobs/${jobId}/offers`, "offers", jobId, { agentId: who.agentId, ownerAddress: owner });
  assert.equal((await offer(newcomer)).status, 403);
  assert.equal((await offer(poor)).status, 403);
  assert.equal((await offer(provider, rival.account.address)).status, 403);
  assert.equal((await offer(provider, provider.account.address, rival)).status, 403);
  const first = await offer(provider);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.data.status, "PENDING");
  assert.match(first.body.data.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const again = await offer(provider);
  assert.deepEqual(again.body.data, first.body.data);
  assert.equal((await offer(rival)).status, 200);
  // A withdrawn offer, then offered again.
  const withdrawn = await signed(full, rival.account, "DELETE",
    `/jobs/${jobId}/offers/${rival.agentId}`, "offers", jobId,
    { ownerAddress: rival.account.address });
  assert.deepEqual(withdrawn.body, { success: true, data: { agentId: rival.agentId, status: "WITHDRAWN" } });
  assert.equal((await offer(rival)).status, 200);
  // Fund: only the client, with the exact budget.
  const wrongBudget = await signed(full, client.account, "POST", `/jobs/${jobId}/fund`, "fund",
    jobId, { expectedBudget: "1" });
  assert.equal(wrongBudget.status, 400);
  assert.equal((await signed(full, provider.account, "POST", `/jobs/${jobId}/fund`, "fund", jobId,
    {})).status, 403);
  const funded = await signed(full, client.account, "POST", `/jobs/${jobId}/fund`, "fund", jobId, {});
  assert.equal(funded.status, 200, funded.text);
  assert.equal(funded.body.data.status, "FUNDED");
  assert.equal(funded.body.data.escrowBalance, "100000000");
  const locks = Object.fromEntries(funded.body.data.stakeLocks.map((l) => [l.role, l.amount]));
  assert.deepEqual(locks, { CLIENT: String(5_555_556n), EVALUATOR: String(11_111_112n) });
  const picked = await signed(full, client.account, "POST", `/jobs/${jobId}/provider`, "provider",
    jobId, { agentId: provider.agentId });
  assert.equal(picked.status, 200, picked.text);
  assert.equal(picked.body.data.providerId, provider.agentId);
  const statuses = Object.fromEntries(picked.body.data.offers.map((o) => [o.agentId, o.status]));
  assert.equal(statuses[provider.agentId], "ACCEPTED");
  assert.equal(statuses[rival.agentId], "REJECTED");
  const submitted = await signed(full, provider.account, "POST", `/jobs/${jobId}/submit`, "submit",
    jobId, { deliverableHash: "0xabc" });
  assert.equal(submitted.body.data.deliverableHash, "0xabc");
  assert.match(submitted.body.data.onchainSubmittedAt, /^\d+$/);
  assert.equal(submitted.body.data.platformFee, null);
  assert.equal((await signed(full, client.account, "POST", `/jobs/${jobId}/evaluate`, "evaluate",
    jobId, { passed: true })).status, 403);
  const completed = await signed(full, evaluator.account, "POST", `/jobs/${jobId}/evaluate`,
    "evaluate", jobId, { passed: true });
  assert.equal(completed.status, 200, completed.text);
  const done = completed.body.data;
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.passed, true);
  assert.deepEqual([done.platformFee, done.evaluatorFee, done.providerPayment],
    ["2000000", "3000000", "95000000"]);
  assert.equal(done.escrowBalance, "0");
  assert.notEqual(done.lifecycle.settled, null);
  await checkConservation(full);
});

test("signatures: replayed, stale, tampered and foreign refused; a restart keeps the record", async () => {
  const server = await startServer("restart");
  const agent = await newAgent(server.base, { pool: 10n * USDC });
  const body = { agentId: agent.agentId, ownerAddress: agent.account.address, amount: "1" };
  const headers = await signedHeaders(server.base, agent.account, "withdraw", agent.agentId);
  const first = await call(server.base, "POST", `${API}/staking/withdraw`, { body, headers });
  assert.equal(first.status, 200, first.text);
  book(server.base).withdrawn += 1n;
  const replay = await call(server.base, "POST", `${API}/staking/withdraw`, { body, headers });
  assert.equal(replay.status, 401);
  assert.equal(replay.body.success, false);
  const stale = await signedHeaders(server.base, agent.account, "withdraw", agent.agentId,
    (await serverNow(server.base)) - 6 * 60 * 1000);
  assert.equal((await call(server.base, "POST", `${API}/staking/withdraw`, { body, headers: stale }))
    .status, 401);
  const otherAction = await signedHeaders(server.base, agent.account, "deposit", agent.agentId);
  assert.equal((await call(server.base, "POST", `${API}/staking/withdraw`, { body,
    headers: otherAction })).status, 401);
  const stranger = privateKeyToAccount(generatePrivateKey());
  const foreign = await signedHeaders(server.base, stranger, "withdraw", agent.agentId);
  assert.equal((await call(server.base, "POST", `${API}/staking/withdraw`, { body,
    headers: foreign })).status, 403);
  assert.equal((await call(server.base, "POST", `${API}/staking/withdraw`, { body })).status, 401);
  // A fresh signature kept unused across a restart still works once; the used one never again.
  const fresh = await signedHeaders(server.base, agent.account, "withdraw", agent.agentId);
  server.child.kill("SIGKILL");
  await new Promise((r) => server.child.once("exit", r).once("close", r));
  children.splice(children.indexOf(server.child), 1);
  const again = await startServer("restart");
  assert.equal((await call(again.base, "POST", `${API}/staking/withdraw`, { body, headers })).status,
    401);
  const afterRestart = await call(again.base, "POST", `${API}/staking/withdraw`,
    { body, headers: fresh });
  assert.equal(afterRestart.status, 200, afterRestart.text);
  assert.equal((await call(again.base, "POST", `${API}/staking/withdraw`, { body, headers: fresh }))
    .status, 401);
  book(again.base).deposited = book(server.base).deposited;
  book(again.base).withdrawn = book(server.base).withdrawn + 1n;
  book(again.base).agents = book(server.base).agents;
  await checkConservation(again.base);
});

test("provider picks racing: exactly one wins", async () => {
  const client = await newAgent(full, { balance: 1000n * USDC, pool: 100n * USDC });
  const evaluator = await newAgent(full, { pool: 100n * USDC, evaluator: true });
  const providers = [];
  for (let i = 0; i < 6; ++i) providers.push(await newAgent(full, { pool: 200n * USDC }));
  const jobId = await openJob(full, client, evaluator);
  await signed(full, client.account, "POST", `/jobs/${jobId}/fund`, "fund", jobId, {});
  for (const p of providers) {
    assert.equal((await signed(full, p.account, "POST", `/jobs/${jobId}/offers`, "offers", jobId,
      { agentId: p.agentId, ownerAddress: p.account.address })).status, 200);
  }
  const now = await serverNow(full);
  const requests = await Promise.all(providers.map(async (p, i) => {
    const headers = await signedHeaders(full, client.account, "provider", jobId, now + i);
    return call(full, "POST", `${API}/jobs/${jobId}/provider`,
      { body: { agentId: p.agentId }, headers });
  }));
  const statuses = requests.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(statuses));
  assert.ok(statuses.every((s) => s === 200 || s === 409 || s === 400), JSON.stringify(statuses));
  const offers = (await call(full, "GET", `${API}/jobs/${jobId}/offers`)).body.data;
  assert.equal(offers.filter((o) => o.status === "ACCEPTED").length, 1);
  await checkConservation(full);
});

test("a dispute judged by commit-reveal; SSE resumes by Last-Event-ID", async () => {
  const { provider, evaluator, jobId } = await submittedJob(full);
  const arbitrators = [];
  for (let i = 0; i < 3; ++i) arbitrators.push(await newAgent(full, { pool: 20n * USDC }));
  const rejected = await signed(full, evaluator.account, "POST", `/jobs/${jobId}/evaluate`,
    "evaluate", jobId, { passed: false });
  assert.equal(rejected.body.data.status, "REJECTED");
  // The provider needs the deposit (5 % of the budget) in its balance.
  await signed(full, provider.account, "POST", "/balance/deposit", "balanceDeposit",
    provider.agentId, { agentId: provider.agentId, ownerAddress: provider.account.address,
      amount: String(5n * USDC) });
  book(full).deposited += 5n * USDC;
  const filed = await signed(full, provider.account, "POST", `/jobs/${jobId}/dispute`, "dispute",
    jobId, { agentId: provider.agentId, reason: "the work met the rubric" });
  assert.equal(filed.status, 201, filed.text);
  const disputeId = filed.body.data.disputeId;
  assert.equal(filed.body.data.deposit, "5000000");
  assert.equal((await call(full, "GET", `${API}/jobs/${jobId}`)).body.data.status, "DISPUTED");
  await checkConservation(full);
  const votes = ["PROVIDER", "PROVIDER", "CLIENT"];
  for (const [i, a] of arbitrators.entries()) {
    const commitment = keccak256(toBytes(`${votes[i]}:salt${i}`));
    const committed = await signed(full, a.account, "POST", `/disputes/${disputeId}/commit`,
      "commit", disputeId, { agentId: a.agentId, commitment });
    assert.equal(committed.status, 200, committed.text);
  }
  const mismatch = await signed(full, arbitrators[0].account, "POST",
    `/disputes/${disputeId}/reveal`, "reveal", disputeId,
    { agentId: arbitrators[0].agentId, vote: "CLIENT", salt: "salt0" });
  assert.equal(mismatch.status, 400);
  for (const i of [0, 2, 1]) {
    const revealed = await signed(full, arbitrators[i].account, "POST",
      `/disputes/${disputeId}/reveal`, "reveal", disputeId,
      { agentId: arbitrators[i].agentId, vote: votes[i], salt: `salt${i}` });
    assert.equal(revealed.status, 200, revealed.text);
  }
  const settled = (await call(full, "GET", `${API}/jobs/${jobId}`)).body.data;
  assert.equal(settled.status, "ARBITRATED");
  assert.equal(settled.dispute.verdict, "PROVIDER");
  assert.equal(settled.dispute.status, "RESOLVED");
  assert.ok(settled.stakeLocks.every((l) => !l.active));
  const slashedClient = settled.stakeLocks.find((l) => l.role === "CLIENT");
  const providerView = (await call(full, "GET", `${API}/agents/${provider.agentId}`)).body.data;
  assert.equal(BigInt(providerView.balance), 5n * USDC + BigInt(slashedClient.amount));
  await checkConservation(full);

  // SSE: everything from the start, then only what came after the last id.
  const stream = await fetch(`${full}${API}/events`);
  assert.equal(stream.headers.get("content-type"), "text/event-stream");
  const text = await stream.text();
  assert.match(text, /event: job\.created/);
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  const last = ids[ids.length - 1];
  const resumed = await (await fetch(`${full}${API}/events`,
    { headers: { "Last-Event-ID": String(last) } })).text();
  assert.ok([...resumed.matchAll(/^id: (\d+)$/gm)].every((m) => Number(m[1]) > last));
});

test("arbitrators who never reveal: the default closes the dispute at the reveal deadline", async () => {
  const { client, evaluator, jobId } = await submittedJob(full);
  await signed(full, evaluator.account, "POST", `/jobs/${jobId}/evaluate`, "evaluate", jobId,
    { passed: true });
  const filed = await signed(full, client.account, "POST", `/jobs/${jobId}/dispute`, "dispute",
    jobId, { agentId: client.agentId, reason: "bad" });
  assert.equal(filed.status, 201, filed.text);
  await checkConservation(full);
  const moved = await call(full, "POST", "/v1/test/clock", { body: { advance_seconds: 72 * 3600 } });
  assert.equal(moved.status, 200, moved.text);
  const job = (await call(full, "GET", `${API}/jobs/${jobId}`)).body.data;
  assert.equal(job.status, "ARBITRATED");
  assert.equal(job.dispute.status, "CLOSED");
  assert.equal(job.dispute.outcome, "arbitration_timeout");
  await checkConservation(full);
});

// Every route × (client, provider, evaluator, arbitrator, stranger, anonymous): reads are
// public; each write is the business of the roles listed, refused 401 without a signature and
// 403 for everyone else, before anything changes (the allowed role acts last and succeeds).
test("authorization: every route × every role", async () => {
  const roles = ["client", "provider", "evaluator", "arbitrator", "stranger", "anonymous"];
  async function cast(stage, strategyType = "PROGRAM") {
    const c = {
      client: await newAgent(full, { balance: 1000n * USDC, pool: 100n * USDC }),
      provider: await newAgent(full, { balance: 10n * USDC, pool: 200n * USDC }),
      evaluator: await newAgent(full, { pool: 100n * USDC, evaluator: true }),
      arbitrator: await newAgent(full, { pool: 20n * USDC }),
      stranger: await newAgent(full, { pool: 200n * USDC, score: 50 }),
    };
    const extra = strategyType === "CEX_CAPITAL"
      ? { strategyType, cexConfig: { stopLossBps: 1000, targetReturnBps: 2000 } } : {};
    c.jobId = await openJob(full, c.client, c.evaluator, extra);
    const as = (who, method, path, action, body) =>
      signed(full, c[who].account, method, path, action, c.jobId, body);
    if (stage === "OPEN") return c;
    assert.equal((await as("client", "POST", `/jobs/${c.jobId}/fund`, "fund", {})).status, 200);
    if (stage === "FUNDED") return c;
    assert.equal((await as("provider", "POST", `/jobs/${c.jobId}/offers`, "offers",
      { agentId: c.provider.agentId, ownerAddress: c.provider.account.address })).status, 200);
    if (stage === "OFFERED") return c;
    assert.equal((await as("client", "POST", `/jobs/${c.jobId}/provider`, "provider",
      { agentId: c.provider.agentId })).status, 200);
    if (stage === "PICKED") return c;
    assert.equal((await as("provider", "POST", `/jobs/${c.jobId}/submit`, "submit",
      { deliverableHash: "0x1" })).status, 200);
    if (stage === "SUBMITTED") return c;
    assert.equal((await as("evaluator", "POST", `/jobs/${c.jobId}/evaluate`, "evaluate",
      { passed: false })).status, 200);
    if (stage === "REJECTED") return c;
    const filed = await as("provider", "POST", `/jobs/${c.jobId}/dispute`, "dispute",
      { agentId: c.provider.agentId, reason: "fine" });
    assert.equal(filed.status, 201, filed.text);
    c.disputeId = filed.body.data.disputeId;
    if (stage === "DISPUTED") return c;
    const commitment = keccak256(toBytes("PROVIDER:s"));
    const committed = await signed(full, c.arbitrator.account, "POST",
      `/disputes/${c.disputeId}/commit`, "commit", c.disputeId,
      { agentId: c.arbitrator.agentId, commitment });
    assert.equal(committed.status, 200, committed.text);
    // The panel stays short: votes are revealed once the 48 h commit window has closed.
    await call(full, "POST", "/v1/test/clock", { body: { advance_seconds: 48 * 3600 } });
    return c;
  }
  const own = (c, who) => (who === "anonymous" ? c.stranger : c[who]);
  // route: [stage, method, path(c), action, resource(c), body(c, who), allowed roles, ok status]
  const routes = [
    ["OPEN", "POST", () => "/jobs", "jobs", (c) => c.client.agentId,
      (c) => ({ clientId: c.client.agentId, evaluatorId: c.evaluator.agentId, budget: "1000000",
                deadline: String(Math.floor(Date.now() / 1000) + 30 * 86400),
                strategyType: "PROGRAM" }), ["client"], 201],
    ["OPEN", "POST", (c) => `/jobs/${c.jobId}/fund`, "fund", (c) => c.jobId, () => ({}),
      ["client"], 200],
    ["FUNDED", "POST", (c) => `/jobs/${c.jobId}/offers`, "offers", (c) => c.jobId,
      (c) => ({ agentId: c.provider.agentId, ownerAddress: c.provider.account.address }),
      ["provider"], 200],
    ["OFFERED", "DELETE", (c) => `/jobs/${c.jobId}/offers/${c.provider.agentId}`, "offers",
      (c) => c.jobId, (c) => ({ ownerAddress: c.provider.account.address }), ["provider"], 200],
    ["OFFERED", "POST", (c) => `/jobs/${c.jobId}/provider`, "provider", (c) => c.jobId,
      (c) => ({ agentId: c.provider.agentId }), ["client"], 200],
    ["PICKED", "POST", (c) => `/jobs/${c.jobId}/submit`, "submit", (c) => c.jobId,
      () => ({ deliverableHash: "0x2" }), ["provider"], 200],
    ["SUBMITTED", "POST", (c) => `/jobs/${c.jobId}/evaluate`, "evaluate", (c) => c.jobId,
      () => ({ passed: true }), ["evaluator"], 200],
    ["REJECTED", "POST", (c) => `/jobs/${c.jobId}/dispute`, "dispute", (c) => c.jobId,
      (c, who) => ({ agentId: own(c, who).agentId, reason: "r" }), ["provider"], 201],
    ["DISPUTED", "POST", (c) => `/disputes/${c.disputeId}/commit`, "commit", (c) => c.disputeId,
      (c, who) => ({ agentId: own(c, who).agentId, commitment: keccak256(toBytes("CLIENT:x")) }),
      ["arbitrator"], 200],
    ["COMMITTED", "POST", (c) => `/disputes/${c.disputeId}/reveal`, "reveal",
      (c) => c.disputeId,
      (c, who) => ({ agentId: own(c, who).agentId, vote: "PROVIDER", salt: "s" }),
      ["arbitrator"], 200],
    ["OPEN", "POST", () => "/staking/deposit", "deposit", (c) => c.client.agentId,
      (c) => ({ agentId: c.client.agentId, ownerAddress: c.client.account.address, amount: "1" }),
      ["client"], 200],
    ["OPEN", "POST", () => "/staking/withdraw", "withdraw", (c) => c.client.agentId,
      (c) => ({ agentId: c.client.agentId, ownerAddress: c.client.account.address, amount: "1" }),
      ["client"], 200],
    ["OPEN", "POST", () => "/balance/deposit", "balanceDeposit", (c) => c.client.agentId,
      (c) => ({ agentId: c.client.agentId, ownerAddress: c.client.account.address, amount: "1" }),
      ["client"], 200],
    ["OPEN", "POST", () => "/balance/withdraw", "balanceWithdraw", (c) => c.client.agentId,
      (c) => ({ agentId: c.client.agentId, ownerAddress: c.client.account.address, amount: "1" }),
      ["client"], 200],
    ["OPEN", "POST", () => "/agents/register", "register", (c) => c.client.agentId,
      (c) => ({ agentId: c.client.agentId, ownerAddress: c.client.account.address, name: "x" }),
      ["client"], 201],
  ];
  const snapshotRoute = ["PICKED", "POST", (c) => `/jobs/${c.jobId}/snapshots`, "snapshots",
    (c) => c.jobId, () => ({ reportedValue: "1", snapshotTs: "1745000000", txHash: "0xs",
                            blockNumber: "1" }), ["provider"], 201];
  for (const route of [...routes, snapshotRoute]) {
    const [stage, method, path, action, resource, body, allowed, okStatus] = route;
    const c = await cast(stage === "COMMITTED" ? "COMMITTED" : stage,
      route === snapshotRoute ? "CEX_CAPITAL" : "PROGRAM");
    const order = [...roles.filter((r) => !allowed.includes(r)), ...allowed];
    for (const who of order) {
      const headers = who === "anonymous" ? {}
        : await signedHeaders(full, c[who].account, action, resource(c));
      const response = await call(full, method, API + path(c), { body: body(c, who), headers });
      const expected = allowed.includes(who) ? okStatus : who === "anonymous" ? 401 : 403;
      assert.equal(response.status, expected,
        `${method} ${path(c)} as ${who}: ${response.status} ${response.text}`);
      if (allowed.includes(who)) {
        const money = { deposit: 1n, balanceDeposit: 1n }[action];
        const out = { withdraw: 1n, balanceWithdraw: 1n }[action];
        if (money) book(full).deposited += money;
        if (out) book(full).withdrawn += out;
      }
    }
    // Public reads answer everyone, signed or not.
    for (const read of [`/jobs/${c.jobId}`, `/jobs/${c.jobId}/offers`, `/jobs/${c.jobId}/dispute`,
                        `/jobs/${c.jobId}/snapshots`, "/jobs", `/agents/${c.client.agentId}`]) {
      assert.equal((await call(full, "GET", API + read)).status, 200, read);
    }
  }
  // claimRefund: anyone signed (refused only for time before the deadline: the deadline timer
  // refunds at the same instant on the test clock, so success is tested in process); never
  // anonymous.
  const late = await cast("FUNDED");
  const anonymous = await call(full, "POST", `${API}/jobs/${late.jobId}/claimRefund`, {});
  assert.equal(anonymous.status, 401);
  for (const who of roles.filter((r) => r !== "anonymous")) {
    const early = await signed(full, late[who].account, "POST",
      `/jobs/${late.jobId}/claimRefund`, "claimRefund", late.jobId, {});
    assert.equal(early.status, 400, `${who}: ${early.text}`);
  }
  await checkConservation(full);
});
