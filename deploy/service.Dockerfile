# syntax=docker/dockerfile:1.7
# One image recipe for every service. Build from the repository root (the workspace and its lock file):
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=meetings -t hoks-meetings .
# SERVICE is scheduler, meetings, referrals or reporting. Runs as a non-root user on 0.0.0.0:8000
# (/health, /metrics, /docs/asyncapi). Configuration: KAFKA_*, MONGODB_*, HOKS_* environment variables
# (hoks_shared/settings.py). The development tools (devtools/: embedded infrastructure, test support)
# are never installed: only the service's package and hoks-shared.

FROM python:3.11-slim-bookworm AS build
ARG SERVICE
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install --no-cache-dir uv==0.9.30
WORKDIR /src
# every workspace member's metadata, so "uv sync --locked" sees the workspace the lock file was made for
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY devtools/pyproject.toml devtools/
COPY services/scheduler/pyproject.toml services/scheduler/
COPY services/meetings/pyproject.toml services/meetings/
COPY services/referrals/pyproject.toml services/referrals/
COPY services/reporting/pyproject.toml services/reporting/
COPY services/sisfeed/pyproject.toml services/sisfeed/
# third-party dependencies first (a layer that changes only with the lock file)
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-workspace --package hoks-${SERVICE}
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --package hoks-${SERVICE}
RUN ln -s /app/.venv/bin/hoks-${SERVICE} /app/.venv/bin/hoks-service

FROM python:3.11-slim-bookworm
ARG SERVICE
RUN useradd --system --uid 10001 --no-create-home hoks
# the workspace sources stay at /src (installed editable): services find their config/ folders
# (scheduler calendar and rounds, referral routing) beside their code, as in the repository
COPY --from=build /src /src
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 \
    HOKS_HTTP_HOST=0.0.0.0 HOKS_HTTP_PORT=8000 HOKS_SERVICE_NAME=${SERVICE}
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
# hoks-service is the link to the SERVICE's own script (hoks-meetings, ...)
ENTRYPOINT ["hoks-service"]
