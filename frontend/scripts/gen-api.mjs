#!/usr/bin/env node
// Generate src/api/schema.d.ts from the backend's OpenAPI schema.
//   node scripts/gen-api.mjs           write the file
//   node scripts/gen-api.mjs --check   fail if the committed file differs (API and SPA drifted)
// The schema is dumped straight from the Python app (no server needed) into a temp file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const root = resolve(frontend, "..");
const target = join(frontend, "src/api/schema.d.ts");
const check = process.argv.includes("--check");

/** The uv that scripts/lib/bootstrap.sh found or installed (it exports UV), else uv on PATH. */
function uvCommand() {
  return [process.env.UV || "uv"];
}

const tmp = mkdtempSync(join(tmpdir(), "sellpilot-openapi-"));
const schemaFile = join(tmp, "openapi.json");
const generated = join(tmp, "schema.d.ts");
try {
  const py = [
    "import json, sys",
    "from backend.app import create_app",
    "schema = create_app().openapi_schema.to_schema()",
    "open(sys.argv[1], 'w').write(json.dumps(schema, indent=1, sort_keys=True))",
  ].join("\n");
  const [uv, ...uvArgs] = uvCommand();
  execFileSync(uv, [...uvArgs, "run", "--frozen", "--quiet", "python", "-c", py, schemaFile], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, LOG_LEVEL: "WARNING" },
  });
  execFileSync(join(frontend, "node_modules/.bin/openapi-typescript"), [schemaFile, "-o", generated, "--alphabetize"], {
    cwd: frontend,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const fresh = readFileSync(generated, "utf8");
  if (check) {
    const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (committed !== fresh) {
      console.error(
        "src/api/schema.d.ts is out of date with the backend's OpenAPI schema.\n" +
          "Run `npm run gen:api` in frontend/, fix any type errors, and commit the result.",
      );
      process.exit(1);
    }
    console.log("API types match the backend's OpenAPI schema.");
  } else {
    writeFileSync(target, fresh);
    console.log(`Wrote ${target}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
