// 1337MKT end to end: marketcore-server over loopback, clients written from the seed. Wallets
// are ethers wallets; logins are EIP-4361 messages built and signed with the `siwe` package.
// Covers SIWE (nonce single use, domain, refresh rotation and family revocation), API keys,
// accounts and bonds, leads with escrow funding, tier gates, batch accept (mixed; 51 refused
// whole), proof, approve, the 72 h auto-approval on the test clock, reject → a judge panel, the
// signed completion webhook exactly once, an authorization matrix of every route × role, and
// conservation of money (native ledger verify + balances) after every scenario.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { SiweMessage } from "siwe";

const ADMIN = "e2e-admin-key-0123456789abcdef";
const API = "/1337mkt/v1";
const dir = mkdtempSync(join(tmpdir(), "mc-1337mkt-"));
let child;
let base;
let host;
const parties = new Set();
let deposited = 0; // micro-USDC that entered through deposits and bonds
let paidOut = 0;   // micro-USDC recorded as paid out on chain

before(async () => {
  base = await new Promise((resolve, reject) => {
    child = spawn(process.env.MC_SERVER,
      ["--listen", "127.0.0.1:0", "--database", join(dir, "m.db"), "--no-access-log",
       "--admin-key", ADMIN, "--rate-limit", "1337mkt.auth=1000/60", "--rate-limit",
       "1337mkt.batch=1000/60", "--rate-limit", "1337mkt.write=100000/60"],
      { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const seen = (chunk) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) resolve(match[1]);
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${output}`)));
  });
  host = new URL(base).host;
});

after(() => {
  child?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

async function call(method, path, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined || raw !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(base + path, {
    method, headers: h, redirect: "manual",
    body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: response.status, body: json, text, headers: response.headers };
}

const usdc = (dollars) => Math.round(dollars * 1e6);
let txCounter = 1;
const txHash = () => "0x" + (txCounter++).toString(16).padStart(64, "0");

async function siweMessage(wallet, overrides = {}) {
  const nonce = (await call("GET", `${API}/auth/challenge?address=${wallet.address}`)).body.nonce;
  return new SiweMessage({
    domain: host, address: wallet.address, statement: "Sign in to 1337MKT",
    uri: base, version: "1", chainId: 8453, nonce, issuedAt: new Date().toISOString(),
    ...overrides }).prepareMessage();
}

async function login(wallet = Wallet.createRandom()) {
  const message = await siweMessage(wallet);
  const signature = await wallet.signMessage(message);
  const verified = await call("POST", `${API}/auth/verify`, { body: { message, signature } });
  assert.equal(verified.status, 200, verified.text);
  const sub = JSON.parse(Buffer.from(verified.body.token.split(".")[1], "base64url")).sub;
  parties.add(sub);
  return { wallet, address: wallet.address.toLowerCase(), token: verified.body.token,
           refresh: verified.body.refresh_token, party: sub };
}

async function bond(user, dollars) {
  const r = await call("POST", `${API}/accounts/bond`,
    { token: user.token, body: { amount: dollars, tx_hash: txHash() } });
  assert.equal(r.status, 200, r.text);
  deposited += usdc(dollars);
  return r.body;
}

async function createLead(leader, { type = "CPA", payout = 10, slots = 1, criteria } = {}) {
  const success_criteria = criteria ?? { CPA: { action: "signup" }, CPR: { url: "https://x.example" },
    CPD: { download_url: "https://x.example/app" } }[type];
  const r = await call("POST", `${API}/leads`, { token: leader.token,
    body: { title: `${type} lead`, type, payout, slots, success_criteria } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, "active");
  assert.equal(r.body.funded, false);
  return r.body;
}

async function fund(leader, lead) {
  const amount = lead.payout * lead.slots;
  const r = await call("POST", `${API}/escrow/deposit`,
    { token: leader.token, body: { lead_id: lead.id, amount, tx_hash: txHash() } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.funded, true);
  deposited += usdc(amount);
  return r.body;
}

async function accept(doer, lead) {
  const r = await call("POST", `${API}/contracts`, { token: doer.token, body: { lead_id: lead.id } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, "active");
  return r.body;
}

async function prove(doer, contract) {
  const r = await call("POST", `${API}/contracts/${contract.id}/proof`,
    { token: doer.token, body: { url: "https://proof.example/1" } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, "proof_submitted");
  return r.body;
}

// The native ledger verifies and deposits − payouts = Σ of every party's balances.
async function conserved() {
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const verify = await (await fetch(`${base}/v1/ledger/verify`, { headers: admin })).json();
  assert.equal(verify.ok, true, JSON.stringify(verify));
  let total = 0;
  for (const id of parties) {
    const b = await (await fetch(`${base}/v1/parties/${id}/balance`, { headers: admin })).json();
    for (const [key, value] of Object.entries(b)) {
      if (key.endsWith("_minor") && typeof value === "number") total += value;
    }
  }
  assert.equal(total, deposited - paidOut);
}

test("SIWE login: domain, single-use nonce, refresh rotation and family revocation, API keys", async () => {
  const wallet = Wallet.createRandom();
  const message = await siweMessage(wallet);
  const signature = await wallet.signMessage(message);
  const first = await call("POST", `${API}/auth/verify`, { body: { message, signature } });
  assert.equal(first.status, 200, first.text);
  assert.ok(first.body.token && first.body.refresh_token && first.body.expires_at);
  // The nonce is spent.
  assert.equal((await call("POST", `${API}/auth/verify`, { body: { message, signature } })).status, 401);
  // Another domain, another signer, a garbled message.
  const foreign = await siweMessage(wallet, { domain: "evil.example" });
  assert.equal((await call("POST", `${API}/auth/verify`,
    { body: { message: foreign, signature: await wallet.signMessage(foreign) } })).status, 401);
  const other = await siweMessage(wallet);
  assert.equal((await call("POST", `${API}/auth/verify`,
    { body: { message: other, signature: await Wallet.createRandom().signMessage(other) } })).status, 401);
  assert.equal((await call("POST", `${API}/auth/verify`,
    { body: { message: "hello", signature } })).status, 400);
  assert.equal((await call("GET", `${API}/auth/challenge?address=0x12`)).status, 400);
  // Refresh rotates; the old token is refused; its reuse revoked the family.
  const rotated = await call("POST", `${API}/auth/refresh`, { body: { refresh_token: first.body.refresh_token } });
  assert.equal(rotated.status, 200, rotated.text);
  assert.notEqual(rotated.body.refresh_token, first.body.refresh_token);
  assert.equal((await call("GET", `${API}/accounts`, { token: rotated.body.token })).status, 200);
  assert.equal((await call("POST", `${API}/auth/refresh`,
    { body: { refresh_token: first.body.refresh_token } })).status, 401);
  assert.equal((await call("POST", `${API}/auth/refresh`,
    { body: { refresh_token: rotated.body.refresh_token } })).status, 401);
  // API keys are Bearer tokens too.
  const key = await call("POST", `${API}/auth/api-keys`, { token: first.body.token, body: { name: "bot" } });
  assert.equal(key.status, 201, key.text);
  assert.match(key.body.api_key, /^mkt_live_/);
  const me = await call("GET", `${API}/accounts`, { token: key.body.api_key });
  assert.equal(me.status, 200);
  assert.equal(me.body.wallet, wallet.address.toLowerCase());
  assert.deepEqual(Object.keys(me.body).sort(),
    ["bond", "completions", "created_at", "karma", "rep_score", "tier", "wallet"]);
  assert.equal((await call("GET", `${API}/accounts`, { token: "mkt_live_nope" })).status, 401);
  assert.equal((await call("GET", `${API}/accounts`, { token: "not.a.jwt" })).status, 401);
  assert.equal((await call("GET", `${API}/accounts`)).status, 401);
});

test("leads, escrow, tier gates, batch accept, approve, auto-approval, payout", async () => {
  const leader = await login();
  const doer = await login();
  const doer2 = await login();
  const lead = await createLead(leader, { payout: 10, slots: 3 });
  assert.equal(lead.payout, 10);
  assert.deepEqual(lead.success_criteria, { action: "signup" });
  assert.equal((await call("GET", `${API}/leads/${lead.id}`)).body.leader, leader.address);
  // No contract before funding.
  const early = await call("POST", `${API}/contracts`, { token: doer.token, body: { lead_id: lead.id } });
  assert.equal(early.status, 409);
  assert.ok(early.body.error);
  // A deposit with a tx hash funds it; the hash counts once.
  const hash = txHash();
  const dep = await call("POST", `${API}/escrow/deposit`,
    { token: leader.token, body: { lead_id: lead.id, amount: 30, tx_hash: hash } });
  assert.equal(dep.status, 200, dep.text);
  deposited += usdc(30);
  assert.deepEqual(dep.body, { lead_id: lead.id, deposited: 30, held: 30, required: 30, funded: true });
  const again = await call("POST", `${API}/escrow/deposit`,
    { token: leader.token, body: { lead_id: lead.id, amount: 30, tx_hash: hash } });
  assert.equal(again.body.deposited, 30);
  assert.equal((await call("GET", `${API}/escrow/${lead.id}`)).body.held, 30);
  // Listing with filters.
  const listed = await call("GET", `${API}/leads?type=CPA&min_payout=5&max_payout=10&limit=10`);
  assert.ok(listed.body.leads.some((l) => l.id === lead.id));
  assert.equal((await call("GET", `${API}/leads?min_payout=11`)).body.leads.some((l) => l.id === lead.id), false);
  // Tier gate: a Bronze doer cannot take a $100 payout.
  const dear = await createLead(leader, { payout: 100, slots: 1 });
  await fund(leader, dear);
  const gated = await call("POST", `${API}/contracts`, { token: doer.token, body: { lead_id: dear.id } });
  assert.equal(gated.status, 409);
  // Batch: mixed outcomes.
  const unfunded = await createLead(leader, { payout: 1, slots: 1 });
  const batch = await call("POST", `${API}/contracts/batch`,
    { token: doer.token, body: { lead_ids: [lead.id, dear.id, unfunded.id, "lead_999999"] } });
  assert.equal(batch.status, 200, batch.text);
  assert.equal(batch.body.accepted.length, 1);
  assert.deepEqual(batch.body.rejected.map((r) => [r.lead_id, r.reason]), [
    [dear.id, "tier_too_low"], [unfunded.id, "parent_wrong_state"], ["lead_999999", "lead_not_found"]]);
  const tooMany = await call("POST", `${API}/contracts/batch`,
    { token: doer2.token, body: { lead_ids: Array(51).fill(lead.id) } });
  assert.equal(tooMany.status, 400);
  assert.equal((await call("GET", `${API}/leads/${lead.id}`)).body.slots_taken, 1);
  const c1 = batch.body.accepted[0];
  const c2 = await accept(doer2, lead);
  // Proof needs url or tx_hash.
  assert.equal((await call("POST", `${API}/contracts/${c1.id}/proof`, { token: doer.token, body: {} })).status, 400);
  await prove(doer, c1);
  const approved = await call("POST", `${API}/contracts/${c1.id}/approve`, { token: leader.token });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.status, "approved");
  const me = (await call("GET", `${API}/accounts/${doer.address}`)).body;
  assert.equal(me.rep_score, 2);
  assert.equal(me.completions, 1);
  // Auto-approval 72 h after the proof, on the test clock.
  const proved = await prove(doer2, c2);
  assert.equal(proved.proof_status, "submitted");
  assert.ok(proved.time_remaining > 71 * 3600 && proved.time_remaining <= 72 * 3600);
  await call("POST", "/v1/test/clock", { body: { advance_seconds: 72 * 3600 - 10 } });
  // Sessions last 24 h: log in again after moving the clock.
  const doer2again = await login(doer2.wallet);
  const leaderAgain = await login(leader.wallet);
  assert.equal((await call("GET", `${API}/contracts/${c2.id}`, { token: doer2again.token })).body.status, "proof_submitted");
  await call("POST", "/v1/test/clock", { body: { advance_seconds: 20 } });
  const auto = await call("GET", `${API}/contracts/${c2.id}`, { token: doer2again.token });
  assert.equal(auto.body.status, "approved");
  // The leader records the payout once.
  const paid = await call("POST", `${API}/contracts/${c2.id}/payout`,
    { token: leaderAgain.token, body: { tx_hash: txHash() } });
  assert.equal(paid.status, 200, paid.text);
  paidOut += usdc(10);
  assert.match(paid.body.payout_tx_hash, /^0x/);
  const mine = await call("GET", `${API}/contracts`, { token: doer2again.token });
  assert.deepEqual(mine.body.contracts.map((c) => c.id), [c2.id]);
  // Pause, resume, cancel with refund of the undrawn slot.
  assert.equal((await call("PATCH", `${API}/leads/${lead.id}`,
    { token: leaderAgain.token, body: { status: "paused" } })).body.status, "paused");
  assert.equal((await call("POST", `${API}/contracts`, { token: (await login()).token,
    body: { lead_id: lead.id } })).status, 409);
  assert.equal((await call("PATCH", `${API}/leads/${lead.id}`,
    { token: leaderAgain.token, body: { status: "active" } })).body.status, "active");
  const cancelled = await call("DELETE", `${API}/leads/${lead.id}`, { token: leaderAgain.token });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.status, "cancelled");
  await conserved();
});

test("reject files a dispute; Gold judges join and vote; the majority settles", async () => {
  const leader = await login();
  const doer = await login();
  const lead = await createLead(leader, { payout: 20, slots: 1 });
  await fund(leader, lead);
  const contract = await prove(doer, await accept(doer, lead));
  const rejected = await call("POST", `${API}/contracts/${contract.id}/reject`,
    { token: leader.token, body: { reason: "no signup seen" } });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal(rejected.body.status, "open");
  const id = rejected.body.id;
  const judges = [await login(), await login(), await login()];
  const bronze = await login();
  assert.equal((await call("GET", `${API}/disputes`, { token: bronze.token })).status, 403);
  for (const judge of judges) {
    const account = await bond(judge, 500);
    assert.equal(account.tier, "gold");
    const eligible = await call("GET", `${API}/disputes`, { token: judge.token });
    assert.ok(eligible.body.disputes.some((d) => d.id === id));
    assert.equal((await call("POST", `${API}/disputes/${id}/join`, { token: judge.token })).status, 200);
  }
  assert.equal((await call("POST", `${API}/disputes/${id}/vote`,
    { token: judges[0].token, body: { vote: "maybe" } })).status, 400);
  await call("POST", `${API}/disputes/${id}/vote`, { token: judges[0].token, body: { vote: "doer" } });
  await call("POST", `${API}/disputes/${id}/vote`, { token: judges[1].token, body: { vote: "leader" } });
  const last = await call("POST", `${API}/disputes/${id}/vote`, { token: judges[2].token, body: { vote: "doer" } });
  assert.equal(last.status, 200, last.text);
  assert.equal(last.body.status, "resolved");
  assert.equal(last.body.verdict, "doer");
  assert.equal((await call("GET", `${API}/contracts/${contract.id}`, { token: doer.token })).body.status, "approved");
  const events = await call("GET", `${API}/accounts/${leader.address}/rep-events`);
  assert.deepEqual(events.body.events.map((e) => [e.type, e.delta]), [["dispute_lost", -3]]);
  assert.equal((await call("GET", `${API}/accounts/${judges[0].address}`)).body.karma, 1);
  await conserved();
});

test("the signed completion webhook completes a contract exactly once", async () => {
  const leader = await login();
  const doer = await login();
  const lead = await createLead(leader, { type: "CPR", payout: 5, slots: 2 });
  await fund(leader, lead);
  const contract = await accept(doer, lead);
  const secret = await call("GET", `${API}/leads/${lead.id}/webhook-secret`, { token: leader.token });
  assert.equal(secret.status, 200);
  assert.equal((await call("GET", `${API}/leads/${lead.id}/webhook-secret`, { token: doer.token })).status, 403);
  const raw = JSON.stringify({ lead_id: lead.id, contract_id: contract.id, conversion_id: "conv_1" });
  const sign = (key) => crypto.createHmac("sha256", key).update(raw).digest("hex");
  assert.equal((await call("POST", `${API}/webhooks/completion`,
    { raw, headers: { "x-webhook-signature": sign("wrong") } })).status, 401);
  assert.equal((await call("POST", `${API}/webhooks/completion`, { raw })).status, 401);
  const first = await call("POST", `${API}/webhooks/completion`,
    { raw, headers: { "x-webhook-signature": sign(secret.body.webhook_secret) } });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.contract.status, "approved");
  assert.equal(first.body.replayed, false);
  const replay = await call("POST", `${API}/webhooks/completion`,
    { raw, headers: { "x-webhook-signature": sign(secret.body.webhook_secret) } });
  assert.equal(replay.status, 200);
  assert.equal(replay.body.replayed, true);
  assert.equal((await call("GET", `${API}/accounts/${doer.address}`)).body.completions, 1);
  await conserved();
});

test("referral links: a click per visitor completes CPC; install and pixel conversions", async () => {
  const leader = await login();
  const doer = await login();
  const cpc = await createLead(leader, { type: "CPC", payout: 2, slots: 1,
    criteria: { target_url: "https://shop.example/landing", clicks: 2 } });
  await fund(leader, cpc);
  const contract = await accept(doer, cpc);
  assert.equal((await call("POST", `${API}/referral-links`, { token: doer.token,
    body: { contract_id: contract.id, target_url: "https://evil.example" } })).status, 400);
  assert.equal((await call("POST", `${API}/referral-links`, { token: leader.token,
    body: { contract_id: contract.id } })).status, 403);
  const link = await call("POST", `${API}/referral-links`, { token: doer.token, body: { contract_id: contract.id } });
  assert.equal(link.status, 201, link.text);
  assert.equal(link.body.url, `${API}/r/${link.body.code}`);
  const first = await fetch(base + link.body.url, { redirect: "manual", headers: { "User-Agent": "a" } });
  assert.equal(first.status, 302);
  assert.equal(first.headers.get("location"), "https://shop.example/landing");
  // Headers.getSetCookie() is missing from Debian's Node 18; get() joins every Set-Cookie.
  const cookies = first.headers.get("set-cookie") ?? "";
  assert.ok(cookies.split(/,\s*(?=[^;=\s]+=)/).some((c) => c.startsWith(`mkt_ref=${link.body.code}`)),
    cookies);
  // The same visitor again is not counted: the contract stays active.
  await fetch(base + link.body.url, { redirect: "manual", headers: { "User-Agent": "a" } });
  await fetch(base + link.body.url, { redirect: "manual", headers: { "User-Agent": "a", Cookie: "x=1" } });
  assert.equal((await call("GET", `${API}/contracts/${contract.id}`, { token: doer.token })).body.status, "active");
  // A second visitor completes it.
  await fetch(base + link.body.url, { redirect: "manual", headers: { "User-Agent": "b" } });
  assert.equal((await call("GET", `${API}/contracts/${contract.id}`, { token: doer.token })).body.status, "approved");
  assert.equal((await fetch(base + `${API}/r/${contract.id.slice(9)}x0000000000000000`, { redirect: "manual" })).status, 404);
  // CPD completes from an install, once.
  const cpd = await createLead(leader, { type: "CPD", payout: 3, slots: 1 });
  await fund(leader, cpd);
  const app = await accept(doer, cpd);
  const appLink = (await call("POST", `${API}/referral-links`, { token: doer.token, body: { contract_id: app.id } })).body;
  const installed = await call("POST", `${API}/conversions/install`, { body: { code: appLink.code, install_id: "i-1" } });
  assert.equal(installed.status, 200, installed.text);
  assert.equal(installed.body.status, "approved");
  assert.equal((await call("POST", `${API}/conversions/install`,
    { body: { code: appLink.code, install_id: "i-1" } })).body.replayed, true);
  assert.equal((await call("GET", `${API}/conversions/pixel?code=${appLink.code}&conversion_id=p1`)).status, 409);
  // CPR completes from the pixel (the attribution cookie names the link).
  const cpr = await createLead(leader, { type: "CPR", payout: 1, slots: 1 });
  await fund(leader, cpr);
  const reg = await accept(doer, cpr);
  const regLink = (await call("POST", `${API}/referral-links`, { token: doer.token, body: { contract_id: reg.id } })).body;
  const pixel = await call("GET", `${API}/conversions/pixel?conversion_id=r1`, { headers: { Cookie: `mkt_ref=${regLink.code}` } });
  assert.equal(pixel.status, 200, pixel.text);
  assert.equal(pixel.body.status, "approved");
  assert.equal((await call("GET", `${API}/accounts/${doer.address}`)).body.completions, 3);
  await conserved();
});

test("authorization: every route × leader, doer, other doer, judge, stranger, anonymous", async () => {
  const leader = await login();
  const doer = await login();
  const other = await login();
  const judge = await login();
  const stranger = await login();
  await bond(judge, 500);
  const lead = await createLead(leader, { payout: 5, slots: 3 });
  await fund(leader, lead);
  const contract = await prove(doer, await accept(doer, lead));
  const otherContract = await prove(other, await accept(other, lead));
  const dispute = (await call("POST", `${API}/disputes`,
    { token: doer.token, body: { contract_id: contract.id, reason: "silent leader" } })).body;
  await call("POST", `${API}/disputes/${dispute.id}/join`, { token: judge.token });
  const roles = { leader, doer, other, judge, stranger, anonymous: null };
  // Read-only routes: [method, path, body, expected status per role]. Anonymous gets 401 on
  // every authenticated route; a contract is read by its parties and its judges only.
  const A = 401;
  const cases = [
    ["GET", `/leads`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: 200 }],
    ["GET", `/leads/${lead.id}`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: 200 }],
    ["GET", `/leads/${lead.id}/webhook-secret`, undefined, { leader: 200, doer: 403, other: 403, judge: 403, stranger: 403, anonymous: A }],
    ["GET", `/escrow/${lead.id}`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: 200 }],
    ["GET", `/contracts`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: A }],
    ["GET", `/contracts/${contract.id}`, undefined, { leader: 200, doer: 200, other: 404, judge: 200, stranger: 404, anonymous: A }],
    ["GET", `/accounts`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: A }],
    ["GET", `/accounts/${leader.address}`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: 200 }],
    ["GET", `/accounts/${leader.address}/rep-events`, undefined, { leader: 200, doer: 200, other: 200, judge: 200, stranger: 200, anonymous: 200 }],
    ["GET", `/disputes`, undefined, { leader: 403, doer: 403, other: 403, judge: 200, stranger: 403, anonymous: A }],
    // Mutations that must be refused for everyone but their one allowed party; the allowed
    // party's success is exercised by the scenarios above, so here it is the wrong-state or
    // the refused answer that is checked.
    ["PATCH", `/leads/${lead.id}`, { status: "paused" }, { doer: 403, other: 403, judge: 403, stranger: 403, anonymous: A }],
    ["DELETE", `/leads/${lead.id}`, undefined, { leader: 409, doer: 403, other: 403, judge: 403, stranger: 403, anonymous: A }],
    ["POST", `/escrow/deposit`, { lead_id: lead.id, amount: 1, tx_hash: "0x" + "e".repeat(64) }, { doer: 403, other: 403, judge: 403, stranger: 403, anonymous: A }],
    ["POST", `/contracts/${otherContract.id}/proof`, { url: "https://x" }, { leader: 403, doer: 404, other: 409, judge: 404, stranger: 404, anonymous: A }],
    ["POST", `/contracts/${otherContract.id}/cpv-proof`, { video_url: "https://v" }, { leader: 403, doer: 404, other: 409, judge: 404, stranger: 404, anonymous: A }],
    ["POST", `/contracts/${contract.id}/approve`, undefined, { leader: 409, doer: 403, other: 404, judge: 404, stranger: 404, anonymous: A }],
    ["POST", `/contracts/${contract.id}/reject`, {}, { leader: 409, doer: 403, other: 404, judge: 404, stranger: 404, anonymous: A }],
    ["POST", `/contracts/${contract.id}/payout`, { tx_hash: "0x" + "f".repeat(64) }, { leader: 409, doer: 403, other: 404, judge: 404, stranger: 404, anonymous: A }],
    ["POST", `/disputes`, { contract_id: contract.id, reason: "again" }, { leader: 409, doer: 409, other: 404, judge: 403, stranger: 404, anonymous: A }],
    ["POST", `/disputes/${dispute.id}/join`, undefined, { leader: 403, doer: 403, other: 403, judge: 200, stranger: 403, anonymous: A }],
    ["POST", `/disputes/${dispute.id}/vote`, { vote: "doer" }, { leader: 403, doer: 403, other: 403, stranger: 403, anonymous: A }],
    ["POST", `/contracts`, { lead_id: lead.id }, { leader: 403, doer: 409, other: 409, anonymous: A }],
    ["POST", `/contracts/batch`, { lead_ids: [lead.id] }, { anonymous: A }],
    ["POST", `/leads`, { title: "t", type: "CPA", payout: 1, slots: 1, success_criteria: { action: "a" } }, { anonymous: A }],
    ["POST", `/accounts/bond`, { amount: 1 }, { anonymous: A }],
    ["POST", `/auth/api-keys`, { name: "k" }, { anonymous: A }],
    ["POST", `/referral-links`, { contract_id: contract.id }, { leader: 403, doer: 409, other: 404, judge: 404, stranger: 404, anonymous: A }],
    ["GET", `/r/1x0000000000000000`, undefined, { leader: 404, doer: 404, other: 404, judge: 404, stranger: 404, anonymous: 404 }],
    ["POST", `/conversions/install`, { code: "1x0000000000000000", install_id: "i" }, { leader: 404, stranger: 404, anonymous: 404 }],
    ["GET", `/conversions/pixel?code=1x0000000000000000&conversion_id=c`, undefined, { leader: 404, anonymous: 404 }],
    ["POST", `/webhooks/completion`, { lead_id: lead.id, contract_id: contract.id }, { leader: 401, anonymous: 401 }],
  ];
  for (const [method, path, body, expected] of cases) {
    for (const [role, status] of Object.entries(expected)) {
      const user = roles[role];
      const r = await call(method, API + path, { token: user?.token, body });
      assert.equal(r.status, status, `${method} ${path} as ${role}: ${r.text}`);
      assert.ok(r.status < 300 || typeof r.body?.error === "string", `${method} ${path} error body`);
    }
  }
  await conserved();
});
