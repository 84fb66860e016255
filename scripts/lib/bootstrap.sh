# Sourced by scripts/dev and scripts/test: make sure uv is there and the Python
# environment matches uv.lock. Safe to run again; it only installs what is missing.
#
# Sets UV to the path of a uv executable. It is a real file, never a shell
# function, so callers can `exec "$UV" …`. On a machine without uv it is
# installed into the project (.cache/uv-tool, a small virtualenv), so nothing
# depends on ~/.local/bin being on PATH.

UV_TOOL_DIR="${UV_TOOL_DIR:-$PWD/.cache/uv-tool}"

find_uv() {
  local candidate
  for candidate in "$(command -v uv 2>/dev/null || true)" "$UV_TOOL_DIR/bin/uv" \
    "$HOME/.local/bin/uv" "$HOME/.cargo/bin/uv"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_uv() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "Python 3.11 is needed (python3 not found). Debian/Ubuntu: apt install python3 python3-venv" >&2
    return 1
  fi
  echo "Installing uv (Python package manager) into $UV_TOOL_DIR…" >&2
  rm -rf "$UV_TOOL_DIR"
  if ! python3 -m venv "$UV_TOOL_DIR" >/dev/null 2>&1; then
    echo "python3 -m venv failed. Debian/Ubuntu: apt install python3-venv, then run this again." >&2
    return 1
  fi
  "$UV_TOOL_DIR/bin/python" -m pip install --quiet --disable-pip-version-check uv
}

if ! UV="$(find_uv)"; then
  install_uv || exit 1
  UV="$(find_uv)" || {
    echo "uv was installed but does not run; see the messages above." >&2
    exit 1
  }
fi
export UV
# Trust the machine's certificate store (a company proxy's CA, say), as pip does.
export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-true}"

"$UV" sync --frozen --quiet
