// The HumanOps MCP server driven by @modelcontextprotocol/sdk's client over both transports:
// streamable HTTP at /humanops/mcp and `marketcore-server --mcp-stdio`. The credential flow
// runs end to end: the stdio MCP process makes the key pair, an operator's WebCrypto encrypts
// through the HTTP API of a server on the same database, and the MCP process decrypts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const { subtle } = crypto.webcrypto;
const dir = mkdtempSync(join(tmpdir(), "mc-humanops-mcp-"));
const database = join(dir, "mcp.db");
const children = [];
const clients = [];
let base;
const API = "/humanops/api/v1";

const SEED_TOOLS = ["search_operators", "post_task", "dispatch_digital_task",
  "dispatch_credential_task", "retrieve_credential", "list_digital_categories", "get_task_result",
  "check_verification_status", "fund_account", "request_payout", "get_balance", "cancel_task",
  "list_tasks"];

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.MC_SERVER,
      ["--listen", "127.0.0.1:0", "--database", database, "--no-access-log", "--markets", "humanops"],
      { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
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
}

async function call(method, path, { key, op, body } = {}) {
  const headers = {};
  if (key) headers["X-API-Key"] = key;
  if (op) headers["X-Operator-Id"] = op;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(base + path,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function httpClient(key) {
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/humanops/mcp`),
    { requestInit: { headers: { "X-API-Key": key } } }));
  clients.push(client);
  return client;
}

async function stdioClient(key) {
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: process.env.MC_SERVER,
    args: ["--mcp-stdio", "--database", database], env: { ...process.env, HUMANOPS_API_KEY: key },
    stderr: "inherit" }));
  clients.push(client);
  return client;
}

function parsed(result) {
  assert.equal(result.isError, false, result.content?.[0]?.text);
  return JSON.parse(result.content[0].text);
}

const inDays = (days) => new Date(Date.now() + days * 86400000).toISOString();

let key;
before(async () => {
  base = await startServer();
  key = (await call("POST", `${API}/agents/register`,
    { body: { name: "mcp-agent", email: "mcp@example.com" } })).body.api_key;
});

after(async () => {
  for (const client of clients) await client.close().catch(() => {});
  for (const child of children) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

test("both transports offer the seed's 13 tools with JSON Schema inputs", async () => {
  for (const client of [await httpClient(key), await stdioClient(key)]) {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...SEED_TOOLS].sort());
    for (const tool of tools) assert.equal(tool.inputSchema.type, "object");
    const post = tools.find((t) => t.name === "post_task");
    assert.deepEqual(post.inputSchema.required.sort(), ["deadline", "description", "location",
      "proof_requirements", "reward_usd", "task_type", "title"]);
  }
});

test("HTTP: fund, post, list, read, cancel; errors are tool errors with the dialect's message", async () => {
  const client = await httpClient(key);
  const funded = parsed(await client.callTool({ name: "fund_account",
    arguments: { amount_usdc: "100.00", tx_hash: "0xmcp1" } }));
  assert.equal(funded.status, "confirmed");
  const task = parsed(await client.callTool({ name: "post_task", arguments: {
    title: "Verify storefront signage", description: "Photo of the sign",
    location: { lat: 40.7128, lng: -74.006, address: "123 Main St" }, reward_usd: 25,
    deadline: inDays(3), proof_requirements: ["Photo of storefront sign"], task_type: "VERIFICATION",
    idempotency_key: "mcp-1" } }));
  assert.equal(task.platform_fee, 4.5);
  assert.equal(task.total_escrow, 29.5);
  const balance = parsed(await client.callTool({ name: "get_balance", arguments: {} }));
  assert.deepEqual(balance, { deposit_balance: 70.5, escrow_balance: 29.5, currency: "USD" });
  const listed = parsed(await client.callTool({ name: "list_tasks", arguments: { status: "PENDING" } }));
  assert.equal(listed.data[0].task_id, task.task_id);
  const result = parsed(await client.callTool({ name: "get_task_result", arguments: { task_id: task.task_id } }));
  assert.equal(result.task_domain, "PHYSICAL");
  const status = parsed(await client.callTool({ name: "check_verification_status",
    arguments: { task_id: task.task_id } }));
  assert.equal(status.decision, null);
  assert.equal(status.requirement_results.length, 1);
  const categories = parsed(await client.callTool({ name: "list_digital_categories", arguments: {} }));
  assert.equal(categories.categories.length, 9);
  assert.equal(categories.categories.find((c) => c.category === "CAPTCHA_SOLVING").max_reward_usd, 10);
  const tooMuch = await client.callTool({ name: "dispatch_digital_task", arguments: {
    title: "Solve", description: "CAPTCHA", digital_category: "CAPTCHA_SOLVING", reward_usd: 10.01,
    deadline: inDays(1), proof_requirements: ["Screenshot"] } });
  assert.equal(tooMuch.isError, true);
  assert.match(tooMuch.content[0].text, /at most \$10/);
  const payout = await client.callTool({ name: "request_payout", arguments: { amount_usd: 10 } });
  assert.equal(payout.isError, true);
  const cancelled = parsed(await client.callTool({ name: "cancel_task", arguments: { task_id: task.task_id } }));
  assert.equal(cancelled.refunded_usd, 29.5);
  const again = await client.callTool({ name: "cancel_task", arguments: { task_id: task.task_id } });
  assert.equal(again.isError, true);
  // Another agent's key sees none of it.
  const other = (await call("POST", `${API}/agents/register`,
    { body: { name: "other", email: "o@example.com" } })).body.api_key;
  const stranger = await httpClient(other);
  const hidden = await stranger.callTool({ name: "get_task_result", arguments: { task_id: task.task_id } });
  assert.equal(hidden.isError, true);
  assert.match(hidden.content[0].text, /not found/i);
});

test("HTTP: a bad key is refused", async () => {
  await assert.rejects(httpClient("ho_test_notakey"));
});

test("search_operators finds verified operators near a point", async () => {
  const near = await call("POST", `${API}/operator/register`, { op: "op_near", body: {
    name: "Near", email: "near@example.com", location: { city: "New York", lat: 40.71, lng: -74.0 },
    skills: ["VERIFICATION"] } });
  assert.equal(near.status, 201);
  await call("POST", `${API}/operator/register`, { op: "op_far", body: {
    name: "Far", email: "far@example.com", location: { city: "Paris", lat: 48.85, lng: 2.35 },
    skills: ["VERIFICATION"] } });
  const client = await httpClient(key);
  const found = parsed(await client.callTool({ name: "search_operators",
    arguments: { lat: 40.7128, lng: -74.006, radius_km: 10, task_type: "VERIFICATION" } }));
  assert.deepEqual(found.operators.map((o) => o.operator_id), ["op_near"]);
});

async function encryptFor(publicKeyB64, plaintext) {
  const agentKey = await subtle.importKey("raw", Buffer.from(publicKeyB64, "base64"),
    { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ephemeral = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "ECDH", public: agentKey }, ephemeral.privateKey, 256);
  const hkdf = await subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
  const aes = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0),
    info: Buffer.from("ECDH-P256-AES-256-GCM") }, hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const iv = crypto.randomBytes(12);
  const ciphertext = await subtle.encrypt({ name: "AES-GCM", iv }, aes, Buffer.from(plaintext));
  return { ciphertext: Buffer.from(ciphertext).toString("base64"), iv: iv.toString("base64"),
    ephemeralPublicKey: Buffer.from(await subtle.exportKey("raw", ephemeral.publicKey)).toString("base64") };
}

test("stdio: dispatch_credential_task makes the key pair; retrieve_credential decrypts in the MCP process", async () => {
  const client = await stdioClient(key);
  parsed(await client.callTool({ name: "fund_account", arguments: { amount_usdc: 100, tx_hash: "0xmcp2" } }));
  const task = parsed(await client.callTool({ name: "dispatch_credential_task", arguments: {
    title: "Create Acme API account", description: "Sign up at acme.io",
    credential_category: "API_KEY_PROCUREMENT", reward_usd: 50, deadline: inDays(3),
    digital_instructions: "Go to acme.io/signup" } }));
  assert.ok(task.agent_public_key);
  const op = "op_cred";
  assert.equal((await call("POST", `${API}/operator/register`,
    { op, body: { name: "Cred", email: "cred@example.com" } })).status, 201);
  const accepted = await call("POST", `${API}/operator/tasks/${task.task_id}/accept`, { op });
  assert.equal(accepted.status, 200);
  const secret = JSON.stringify({ api_key: "sk_live_mcp", dashboard_url: "https://acme.io" });
  const blob = await encryptFor(accepted.body.agent_public_key, secret);
  assert.equal((await call("POST", `${API}/operator/tasks/${task.task_id}/submit`,
    { op, body: { encrypted_credential: blob } })).status, 200);
  const early = await client.callTool({ name: "retrieve_credential", arguments: { task_id: task.task_id } });
  assert.equal(early.isError, true);
  assert.equal((await call("POST", `${API}/tasks/${task.task_id}/verify`,
    { key, body: { decision: "APPROVE" } })).status, 200);
  const got = parsed(await client.callTool({ name: "retrieve_credential", arguments: { task_id: task.task_id } }));
  assert.equal(got.decrypted, true);
  assert.deepEqual(got.credential, JSON.parse(secret));
  // Over HTTP the server keeps no private key: the ciphertext comes back unchanged, and the
  // client's own key decrypts it.
  const http = await httpClient(key);
  const sealed = parsed(await http.callTool({ name: "retrieve_credential", arguments: { task_id: task.task_id } }));
  assert.equal(sealed.decrypted, false);
  assert.deepEqual(sealed.encrypted_credential, blob);
  const opened = parsed(await http.callTool({ name: "retrieve_credential",
    arguments: { task_id: task.task_id, private_key: task.private_key } }));
  assert.deepEqual(opened.credential, JSON.parse(secret));
});
