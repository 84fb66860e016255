import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { STATE_FILE, uvCommand } from "./global-setup";

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const state = JSON.parse(readFileSync(STATE_FILE, "utf8")) as { pids: number[]; dataDir: string; prefix: string; redisUrl: string };
  for (const pid of state.pids) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + 10_000;
  while (state.pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of state.pids.filter(alive)) process.kill(-pid, "SIGKILL");
  // Remove this run's Redis keys.
  try {
    const py = [
      "import sys, redis",
      "r = redis.Redis.from_url(sys.argv[1])",
      "keys = list(r.scan_iter(match=sys.argv[2] + '*', count=1000))",
      "keys and r.delete(*keys)",
    ].join("\n");
    const [uv = "uv", ...uvArgs] = uvCommand();
    execFileSync(uv, [...uvArgs, "run", "--frozen", "--quiet", "python", "-c", py, state.redisUrl, state.prefix], {
      cwd: resolve(import.meta.dirname, "../.."),
      stdio: "ignore",
    });
  } catch {
    /* best effort */
  }
  if (!process.env.E2E_KEEP_DATA) rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}
