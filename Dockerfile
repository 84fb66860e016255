# One image for every Sellpilot process: `sellpilot api` (the default command),
# `sellpilot worker`, `sellpilot migrate`, `sellpilot sandbox`. compose.yaml runs them.
# Linted by hadolint in CI (scripts/check-deploy).

# The web app: built with Node, only its static files go into the image.
FROM node:20-bookworm-slim AS web
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY frontend ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000 \
    CHROMIUM_PATH=/usr/lib/chromium/chromium

# Chromium for browser automation (the worker's jobs); Debian's own build, so
# security updates come with the base image's apt, hence versions not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backend ./backend
COPY migrations ./migrations
COPY frontend/placeholder.html ./frontend/placeholder.html
COPY --from=web /web/dist ./frontend/dist
COPY piccolo_conf.py ./
RUN uv sync --frozen --no-dev

# Never root: the processes run as `sellpilot`, owning only the data volume.
RUN groupadd --system --gid 10001 sellpilot \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/sellpilot \
        --shell /usr/sbin/nologin sellpilot \
    && mkdir -p /data \
    && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# The API's liveness; compose.yaml gives the worker, sandbox and migrate services their own.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health\", timeout=4)"]

CMD ["sellpilot", "api"]
