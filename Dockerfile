# The web app: built with Node, only its static files go into the image.
FROM node:20-slim AS web
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY backend ./backend
COPY migrations ./migrations
COPY frontend/placeholder.html ./frontend/placeholder.html
COPY --from=web /web/dist ./frontend/dist
COPY piccolo_conf.py ./
RUN uv sync --frozen --no-dev
EXPOSE 8000
CMD ["sellpilot", "api", "--host", "0.0.0.0"]
