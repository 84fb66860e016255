/**
 * Start a real API, worker and both sandbox marketplaces (flavours a and b) for the end-to-end tests: a free port, a fresh
 * SQLite DATA_DIR in a temp dir, the offline AI provider, a private Redis key
 * prefix, and the built SPA. Migrations first, then both processes; we wait
 * until /ready reports the database, Redis and a live worker.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";

const frontend = resolve(import.meta.dirname, "..");
export const STATE_FILE = join(frontend, "e2e-artifacts", "server.json");
const root = resolve(frontend, "..");

/** The uv that scripts/lib/bootstrap.sh found or installed (it exports UV), else uv on PATH. */
export function uvCommand(): string[] {
  return [process.env.UV || "uv"];
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitReady(url: string, processes: ChildProcess[], logDir: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    for (const p of processes) {
      if (p.exitCode !== null) throw new Error(`A server process exited (${p.exitCode}); see logs in ${logDir}`);
    }
    try {
      const response = await fetch(`${url}/ready`);
      const body = (await response.json()) as { workers?: number };
      last = JSON.stringify(body);
      if (response.ok && (body.workers ?? 0) > 0) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`API not ready at ${url} after ${timeoutMs / 1000}s (last: ${last}); logs in ${logDir}`);
}

async function waitHttp(url: string, processes: ChildProcess[], logDir: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const p of processes) {
      if (p.exitCode !== null) throw new Error(`A helper process exited (${p.exitCode}); see logs in ${logDir}`);
    }
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s; logs in ${logDir}`);
}

/**
 * A stand-in for a working HTTP proxy: it answers every proxied request with
 * 204, so a proxy health check through it passes without any network.
 */
const STUB_PROXY = "require('http').createServer((q, s) => { s.writeHead(204); s.end(); }).listen(Number(process.argv[1]), '127.0.0.1')";

export default async function globalSetup(): Promise<void> {
  const dist = join(frontend, "dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("frontend/dist is missing: run `npm run build` first");
  const dataDir = mkdtempSync(join(tmpdir(), "sellpilot-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  // The bundled sandbox marketplace (what the sandbox driver logs in to and publishes on),
  // and a stub proxy that answers, so account and proxy jobs run end to end offline.
  const sandboxPort = await freePort();
  const sandboxURL = `http://127.0.0.1:${sandboxPort}`;
  // The second flavour (Sandbox Bazaar: its own vocabulary and required fields), for crosslisting across two shops.
  const sandboxBPort = await freePort();
  const sandboxBURL = `http://127.0.0.1:${sandboxBPort}`;
  const proxyPort = await freePort();
  const prefix = `sellpilot-e2e-${randomBytes(5).toString("hex")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_ENV: "test",
    SELLPILOT_ENV_FILE: join(dataDir, "no.env"),
    DATA_DIR: dataDir,
    SQLITE_PATH: join(dataDir, "e2e.sqlite3"),
    REDIS_URL: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    REDIS_KEY_PREFIX: prefix,
    SECRET_KEY: `e2e-${randomBytes(24).toString("hex")}`,
    AI_PROVIDER: "local",
    SPA_DIR: dist,
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: baseURL,
    LOG_LEVEL: "WARNING",
    RATE_LIMITS_ENABLED: "false",
    WORKER_POLL_DELAY_SECONDS: "0.05",
    SSE_HEARTBEAT_SECONDS: "2",
    SANDBOX_URL: sandboxURL,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_DB_PATH: join(dataDir, "sandbox.sqlite3"),
    SANDBOX_B_URL: sandboxBURL,
    SANDBOX_B_PORT: String(sandboxBPort),
    SANDBOX_B_DB_PATH: join(dataDir, "sandbox-b.sqlite3"),
    PROXY_CHECK_URL: "http://proxy-check.invalid/generate_204",
    PROXY_CHECK_TIMEOUT_SECONDS: "5",
    BROWSER_ACTION_TIMEOUT_SECONDS: "10",
    WORKER_JOB_TIMEOUT_SECONDS: "90",
  };
  const chromium = process.env.CHROMIUM_PATH ?? (existsSync("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : undefined);
  if (chromium) env.CHROMIUM_PATH = chromium;
  delete env.DATABASE_URL;
  delete env.OPENAI_API_KEY;

  const [uv = "uv", ...uvArgs] = uvCommand();
  try {
    execFileSync(uv, [...uvArgs, "run", "--frozen", "--quiet", "sellpilot", "migrate"], { cwd: root, env, stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`sellpilot migrate failed:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
  // A superuser for the admin console's test (the same command an operator runs).
  const superuser = { email: "e2e-root@example.com", password: `root-${randomBytes(12).toString("hex")}` };
  try {
    execFileSync(uv, [...uvArgs, "run", "--frozen", "--quiet", "sellpilot", "createsuperuser", "--email", superuser.email, "--password", superuser.password], {
      cwd: root,
      env,
      stdio: "pipe",
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`sellpilot createsuperuser failed:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
  process.env.E2E_SUPERUSER_EMAIL = superuser.email;
  process.env.E2E_SUPERUSER_PASSWORD = superuser.password;
  const start = (command: string, args: string[] = []) => {
    const log = openSync(join(dataDir, `${command}.log`), "a");
    return spawn(uv, [...uvArgs, "run", "--frozen", "--quiet", "sellpilot", command, ...args], {
      cwd: root,
      env,
      detached: true, // its own process group: teardown stops uv and python together
      stdio: ["ignore", log, log],
    });
  };
  const proxyLog = openSync(join(dataDir, "stub-proxy.log"), "a");
  const helpers = [
    start("sandbox", ["--host", "127.0.0.1", "--port", String(sandboxPort), "--db", env.SANDBOX_DB_PATH!]),
    start("sandbox", ["--flavour", "b", "--host", "127.0.0.1", "--port", String(sandboxBPort), "--db", env.SANDBOX_B_DB_PATH!]),
    spawn(process.execPath, ["-e", STUB_PROXY, String(proxyPort)], { detached: true, stdio: ["ignore", proxyLog, proxyLog] }),
  ];
  const processes = [start("worker"), start("api")];
  const all = [...helpers, ...processes];
  mkdirSync(join(frontend, "e2e-artifacts"), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ pids: all.map((p) => p.pid), dataDir, baseURL, prefix, redisUrl: env.REDIS_URL }));
  process.env.E2E_BASE_URL = baseURL;
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_SANDBOX_URL = sandboxURL;
  process.env.E2E_SANDBOX_B_URL = sandboxBURL;
  process.env.E2E_PROXY_PORT = String(proxyPort);
  await waitHttp(`${sandboxURL}/healthz`, all, dataDir);
  await waitHttp(`${sandboxBURL}/healthz`, all, dataDir);
  await waitReady(baseURL, all, dataDir);
}
