/**
 * Start a real API and worker for the end-to-end tests: a free port, a fresh
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

export default async function globalSetup(): Promise<void> {
  const dist = join(frontend, "dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("frontend/dist is missing: run `npm run build` first");
  const dataDir = mkdtempSync(join(tmpdir(), "sellpilot-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
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
  };
  delete env.DATABASE_URL;
  delete env.OPENAI_API_KEY;

  const [uv = "uv", ...uvArgs] = uvCommand();
  try {
    execFileSync(uv, [...uvArgs, "run", "--frozen", "--quiet", "sellpilot", "migrate"], { cwd: root, env, stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`sellpilot migrate failed:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
  const start = (command: string) => {
    const log = openSync(join(dataDir, `${command}.log`), "a");
    return spawn(uv, [...uvArgs, "run", "--frozen", "--quiet", "sellpilot", command], {
      cwd: root,
      env,
      detached: true, // its own process group: teardown stops uv and python together
      stdio: ["ignore", log, log],
    });
  };
  const processes = [start("worker"), start("api")];
  mkdirSync(join(frontend, "e2e-artifacts"), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ pids: processes.map((p) => p.pid), dataDir, baseURL, prefix, redisUrl: env.REDIS_URL }));
  process.env.E2E_BASE_URL = baseURL;
  process.env.E2E_DATA_DIR = dataDir;
  await waitReady(baseURL, processes, dataDir);
}
