// AgentMarket end to end: marketcore-server over loopback, clients written from the seed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const children = [];
const helpers = [];
const dir = mkdtempSync(join(tmpdir(), "mc-agentmarket-"));

// Starts a local HTTP server; `handle(req, body, res)`.
function listen(handle) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res));
    });
    server.listen(0, "127.0.0.1", () => {
      helpers.push(server);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

// Starts marketcore-server with `args`; resolves its base URL once it listens.
function startServer(name, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.env.MC_SERVER,
      ["--listen", "127.0.0.1:0", "--database", join(dir, `${name}.db`), "--no-access-log",
       "--markets", "agentmarket", ...args],
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

async function call(base, method, path, { key, body } = {}) {
  const headers = {};
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const parsed = JSON.parse(text);
  if (path.endsWith("/agents/register") && parsed.data?.api_key) {
    (keysByBase[base] ??= []).push(parsed.data.api_key);
  }
  return { status: response.status, body: parsed };
}

// Every API key handed out, per server, for the conservation checks.
const keysByBase = {};

let root;      // --dialect agentmarket --prefix / : the seed's own paths /api/...
let prefixed;  // --dialect agentmarket : /agentmarket/api/...
let agentBase; // local agent endpoints
let llmBase;   // LLM stand-in
const hooks = [];  // webhook deliveries received
let hookBase;

before(async () => {
  agentBase = await listen((req, body, res) => {
    const task = JSON.parse(body);
    if (req.url === "/ok") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ result: `Done: ${task.task_description}` }));
    } else if (req.url === "/fail") {
      res.writeHead(500);
      res.end("agent crashed");
    } // "/hang": never answers
  });
  llmBase = await listen((req, body, res) => {
    const request = JSON.parse(body);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ choices: [{ message: { role: "assistant",
      content: `LLM(${request.messages[0].content}|${request.messages[1].content})` } }] }));
  });
  hookBase = await listen((req, body, res) => {
    hooks.push({ headers: req.headers, body, url: req.url });
    res.writeHead(200);
    res.end("ok");
  });
  const env = {
    MARKETCORE_AGENTMARKET_EXECUTE_TIMEOUT_MS: "1500",
    MARKETCORE_AGENTMARKET_LLM_URL: `${llmBase}/v1/chat/completions`,
  };
  root = await startServer("root", ["--dialect", "agentmarket", "--prefix", "/"], env);
  prefixed = await startServer("prefixed", ["--dialect", "agentmarket"], env);
});

after(() => {
  for (const child of children) child.kill("SIGTERM");
  for (const server of helpers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

// Credits are conserved: Σ balances + budgets in escrow + platform fees = 100 × agents.
async function checkConservation(base, api, extraKeys = []) {
  const keys = [...(keysByBase[base] ?? []), ...extraKeys];
  let held = 0;
  for (const key of keys) held += (await call(base, "GET", `${api}/wallet`, { key })).body.balance;
  let escrow = 0, fees = 0;
  for (const status of ["open", "assigned", "executing", "completed"]) {
    const tasks = (await call(base, "GET", `${api}/tasks?status=${status}&limit=100`)).body.data;
    for (const task of tasks) {
      if (status === "completed") fees += task.budget - Math.floor(task.budget * 0.9);
      else escrow += task.budget;
    }
  }
  assert.equal(held + escrow + fees, 100 * keys.length);
}

const quickStartKeys = [];  // registered through curl, outside call()

// curl runs asynchronously: the local agent endpoint lives in this same event loop.
async function curl(...args) {
  const { stdout } = await promisify(execFile)("curl", ["-sS", ...args], { encoding: "utf8" });
  return JSON.parse(stdout);
}

test("the seed's Quick Start, literally, at the root", async () => {
  const domain = root;
  // A poster, so that step 2 has something to browse and step 3 something to accept. The
  // same owner runs both bots, under one owner_email, as the Quick Start has it.
  const poster = await curl("-X", "POST", `${domain}/api/agents/register`,
    "-H", "Content-Type: application/json",
    "-d", '{"name":"Poster","capabilities":["coding"],"owner_email":"me@example.com"}');
  assert.equal(poster.success, true, JSON.stringify(poster));
  const posted = await curl("-X", "POST", `${domain}/api/tasks`, "-H", `X-API-Key: ${poster.data.api_key}`,
    "-H", "Content-Type: application/json",
    "-d", '{"title":"Fix a bug","description":"...","budget":25,"required_capabilities":["coding"]}');
  assert.equal(posted.success, true);
  assert.equal(posted.data.status, "open");
  assert.equal(posted.balance, 75);

  // 1. Register your agent
  const registered = await curl("-X", "POST", `${domain}/api/agents/register`,
    "-H", "Content-Type: application/json",
    "-d", '{"name":"MyBot","capabilities":["coding"],"owner_email":"me@example.com"}');
  assert.equal(registered.success, true);
  assert.equal(registered.balance, 100);
  assert.equal(registered.data.name, "MyBot");
  assert.deepEqual(registered.data.capabilities, ["coding"]);
  assert.match(registered.data.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  const key = registered.data.api_key;
  // 2. Browse available tasks
  const open = await curl(`${domain}/api/tasks?status=open`);
  assert.equal(open.success, true);
  const taskId = open.data.find((t) => t.title === "Fix a bug").id;
  // 3. Accept a task
  const accepted = await curl("-X", "POST", `${domain}/api/tasks/${taskId}/accept`, "-H", `X-API-Key: ${key}`);
  assert.equal(accepted.data.status, "assigned");
  assert.equal(accepted.data.assigned_to, registered.data.id);
  assert.equal(accepted.balance, 100);
  // 4. Complete the task
  const completed = await curl("-X", "POST", `${domain}/api/tasks/${taskId}/complete`,
    "-H", `X-API-Key: ${key}`, "-H", "Content-Type: application/json",
    "-d", '{"result":"Here is my completed work..."}');
  assert.equal(completed.data.status, "completed");
  assert.equal(completed.data.result, "Here is my completed work...");
  assert.equal(completed.balance, 122);
  // 5. Or hire an agent directly
  const hired = await curl("-X", "POST", `${domain}/api/agents/register`,
    "-H", "Content-Type: application/json",
    "-d", JSON.stringify({ name: "Runner", capabilities: ["coding"], endpoint_url: `${agentBase}/ok` }));
  const executed = await curl("-X", "POST", `${domain}/api/execute`, "-H", `X-API-Key: ${key}`,
    "-H", "Content-Type: application/json",
    "-d", JSON.stringify({ agent_id: hired.data.id, task_description: "Do this thing", budget: 15 }));
  assert.equal(executed.success, true, JSON.stringify(executed));
  assert.equal(executed.data.result, "Done: Do this thing");
  assert.equal(executed.balance, 107);
  const wallet = await curl(`${domain}/api/wallet`, "-H", `X-API-Key: ${hired.data.api_key}`);
  assert.deepEqual(wallet.data, { agent_id: hired.data.id, balance: 113 });
  quickStartKeys.push(poster.data.api_key, key, hired.data.api_key);
  await checkConservation(root, "/api", quickStartKeys);
});

test("under the prefix the prefix replaces /api; errors use the dialect's body", async () => {
  const api = "/agentmarket/api";
  const a = await call(prefixed, "POST", `${api}/agents/register`,
    { body: { name: "A", capabilities: ["research"], owner_email: "a@example.com" } });
  assert.equal(a.status, 201);
  const key = a.body.data.api_key;
  const missing = await call(prefixed, "POST", `${api}/agents/register`, { body: { capabilities: [] } });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.success, false);
  assert.match(missing.body.error, /name/);
  const unauth = await call(prefixed, "GET", `${api}/agents/me`);
  assert.equal(unauth.status, 401);
  assert.equal(unauth.body.success, false);
  assert.equal((await call(prefixed, "GET", `${api}/agents/me`, { key: "am_test_bogus" })).status, 401);
  const me = await call(prefixed, "GET", `${api}/agents/me`, { key });
  assert.equal(me.body.data.id, a.body.data.id);
  assert.equal(me.body.balance, 100);
  assert.equal((await call(prefixed, "GET", `${api}/agents/${a.body.data.id}`)).body.data.name, "A");
  assert.equal((await call(prefixed, "GET", `${api}/agents/00000000-0000-4000-8000-000000000000`)).status, 404);
  const listed = await call(prefixed, "GET", `${api}/agents?capability=research&limit=20`);
  assert.equal(listed.body.data.length, 1);
  // Bad input changes nothing.
  const tooMuch = await call(prefixed, "POST", `${api}/tasks`, { key, body: { title: "T", budget: 101 } });
  assert.equal(tooMuch.status, 402);
  assert.match(tooMuch.body.error, /Insufficient credits/);
  assert.equal((await call(prefixed, "POST", `${api}/tasks`, { key, body: { title: "T", budget: 0 } })).status, 400);
  assert.equal((await call(prefixed, "POST", `${api}/tasks`, { key, body: { title: "T", budget: 1.5 } })).status, 400);
  assert.equal((await call(prefixed, "POST", `${api}/tasks/nope/accept`, { key })).status, 404);
  assert.equal((await call(prefixed, "GET", `${api}/tasks?status=weird`)).status, 400);
  assert.equal((await call(prefixed, "GET", `${api}/wallet`, { key })).body.balance, 100);
  assert.equal((await call(prefixed, "GET", `/api/agents`)).status, 404);
  await checkConservation(prefixed, api);
});

test("concurrent accepts: exactly one winner", async () => {
  const api = "/agentmarket/api";
  const reg = async (name) => (await call(prefixed, "POST", `${api}/agents/register`,
    { body: { name, capabilities: ["x"] } })).body.data.api_key;
  const poster = await reg("RacePoster");
  const workers = await Promise.all(Array.from({ length: 12 }, (_, i) => reg(`Racer${i}`)));
  const task = (await call(prefixed, "POST", `${api}/tasks`,
    { key: poster, body: { title: "Race", budget: 40, required_capabilities: ["x"] } })).body.data;
  const results = await Promise.all(workers.map((key) =>
    call(prefixed, "POST", `${api}/tasks/${task.id}/accept`, { key })));
  assert.equal(results.filter((r) => r.status === 200).length, 1);
  for (const r of results.filter((r) => r.status !== 200)) {
    assert.equal(r.status, 409);
    assert.equal(r.body.success, false);
  }
  await checkConservation(prefixed, api);
});

test("execute: success pays, failure and timeout refund, LLM agents, refusals", async () => {
  const api = "/agentmarket/api";
  const reg = async (body) => (await call(prefixed, "POST", `${api}/agents/register`, { body })).body.data;
  const hirer = await reg({ name: "Hirer", capabilities: ["y"] });
  const ok = await reg({ name: "Ok", capabilities: ["y"], endpoint_url: `${agentBase}/ok` });
  const fail = await reg({ name: "Fail", capabilities: ["y"], endpoint_url: `${agentBase}/fail` });
  const hang = await reg({ name: "Hang", capabilities: ["y"], endpoint_url: `${agentBase}/hang` });
  const poet = await reg({ name: "Poet", capabilities: ["y"], system_prompt: "Be brief" });
  const none = await reg({ name: "None", capabilities: ["y"] });
  const key = hirer.api_key;
  const run = (agent, budget) => call(prefixed, "POST", `${api}/execute`,
    { key, body: { agent_id: agent.id, task_description: "Write a haiku", budget } });

  let r = await run(ok, 15);
  assert.equal(r.status, 200);
  assert.equal(r.body.data.result, "Done: Write a haiku");
  assert.equal(r.body.balance, 85);
  assert.equal((await call(prefixed, "GET", `${api}/tasks/${r.body.data.task_id}`)).body.data.status, "completed");
  r = await run(fail, 20);
  assert.equal(r.status, 502);
  assert.equal(r.body.success, false);
  assert.equal(r.body.balance, 85);
  assert.equal(r.body.data.status, "failed");
  const started = Date.now();
  r = await run(hang, 20);
  assert.equal(r.status, 504);
  assert.ok(Date.now() - started < 10_000);
  assert.equal(r.body.balance, 85);
  r = await run(poet, 10);
  assert.equal(r.status, 200);
  assert.equal(r.body.data.result, "LLM(Be brief|Write a haiku)");
  assert.equal(r.body.balance, 75);
  r = await run(none, 10);
  assert.equal(r.status, 400);
  assert.match(r.body.error, /endpoint_url/);
  r = await run(ok, 1000);
  assert.equal(r.status, 402);
  assert.equal((await call(prefixed, "GET", `${api}/wallet`, { key })).body.balance, 75);
  await checkConservation(prefixed, api);
});

test("webhooks: masked URL, secret once, signed task.posted to overlapping agents", async () => {
  const api = "/agentmarket/api";
  const listener = await call(root, "POST", "/api/agents/register", {
    body: { name: "Listener", capabilities: ["research", "summarization"],
            webhook_url: `${hookBase}/hooks/listener` } });
  const secret = listener.body.data.webhook_secret;
  assert.ok(secret);
  const bystander = await call(root, "POST", "/api/agents/register",
    { body: { name: "Bystander", capabilities: ["poetry"] } });
  const set = await call(root, "PUT", "/api/agents/me/webhook", {
    key: bystander.body.data.api_key, body: { webhook_url: `${hookBase}/hooks/bystander` } });
  assert.equal(set.status, 200);
  assert.ok(set.body.data.webhook_secret);
  assert.equal(set.body.balance, 100);
  const shown = await call(root, "GET", "/api/agents/me/webhook", { key: bystander.body.data.api_key });
  assert.equal(shown.body.data.webhook_url, ".../bystander");
  const bad = await call(root, "PUT", "/api/agents/me/webhook", {
    key: bystander.body.data.api_key, body: { webhook_url: "ftp://example.com" } });
  assert.equal(bad.status, 400);
  const poster = await call(root, "POST", "/api/agents/register", { body: { name: "P", capabilities: [] } });
  const posted = await call(root, "POST", "/api/tasks", { key: poster.body.data.api_key,
    body: { title: "Summarize this paper", description: "Full text...", budget: 25,
            required_capabilities: ["research", "summarization"] } });
  assert.equal(posted.status, 201);
  const deadline = Date.now() + 15_000;
  while (!hooks.some((h) => h.url === "/hooks/listener") && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const got = hooks.filter((h) => h.url === "/hooks/listener");
  assert.equal(got.length, 1);
  const hook = got[0];
  assert.equal(hook.headers["x-agentmarket-event"], "task.posted");
  assert.equal(hook.headers["content-type"], "application/json");
  const expected = "sha256=" + createHmac("sha256", secret).update(hook.body).digest("hex");
  assert.equal(hook.headers["x-agentmarket-signature"], expected);
  const payload = JSON.parse(hook.body);
  assert.equal(payload.event, "task.posted");
  assert.equal(payload.task.id, posted.body.data.id);
  assert.deepEqual(payload.task.required_capabilities, ["research", "summarization"]);
  assert.equal(payload.task.budget, 25);
  assert.ok(payload.marketplace_url);
  assert.equal(hooks.filter((h) => h.url === "/hooks/bystander").length, 0);
});

test("conservation at the root after every scenario", async () => {
  await checkConservation(root, "/api", quickStartKeys);
});
