# Sourced by scripts/dev and scripts/test: make sure uv is there and the Python
# environment matches uv.lock. Safe to run again; it only installs what is missing.

if ! command -v uv >/dev/null 2>&1; then
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "Installing uv (Python package manager)…" >&2
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
  fi
  uv() { python3 -m uv "$@"; }
fi

uv sync --frozen --quiet
