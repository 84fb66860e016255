# Sourced by scripts/dev and scripts/test: the web app in frontend/.
# Needs Node 20+ and npm; everything else comes from frontend/package-lock.json.

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # Playwright drives the system Chromium

have_npm() {
  command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1
}

# Install the locked packages when node_modules is missing or older than the lock file.
frontend_install() {
  if [ ! -f frontend/node_modules/.package-lock.json ] ||
    [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
    echo "Installing the web app's packages (npm ci)…"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# True when frontend/dist is missing or older than any source of the build.
frontend_stale() {
  local stamp=frontend/dist/index.html
  [ -f "$stamp" ] || return 0
  [ -n "$(find frontend/src frontend/index.html frontend/package-lock.json frontend/vite.config.ts \
    frontend/tsconfig.json -newer "$stamp" -print -quit 2>/dev/null)" ]
}

# Build the web app the API serves at /, if it is missing or stale.
frontend_build_if_stale() {
  if ! frontend_stale; then
    return 0
  fi
  if ! have_npm; then
    echo "Note: Node.js/npm not found, so the web app is not built; / shows a placeholder." >&2
    echo "      Install Node 20+ and run ./scripts/dev again (the API works without it)." >&2
    return 0
  fi
  frontend_install
  echo "Building the web app (npm run build)…"
  (cd frontend && npm run --silent build)
}
