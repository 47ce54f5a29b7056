# newsdesk's container image: the web server (gunicorn) and, with another command, the workers.
# Build: docker build -t newsdesk .   Run everything: docker compose up (compose.yaml).
# Secrets never go into the image: SECRET_KEY_FILE and DATABASE_PASSWORD_FILE point at files
# the runtime mounts (compose secrets, systemd credentials, Kubernetes secrets).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/newsdesk \
    PATH=/opt/newsdesk/bin:$PATH \
    NEWSDESK_ENV=production \
    NEWSDESK_LOG_FORMAT=json \
    NEWSDESK_LOG_REQUESTS=1 \
    NEWSDESK_DATA_DIR=/var/lib/newsdesk \
    STATIC_ROOT=/opt/newsdesk-static \
    NEWSDESK_SERVE_MEDIA=1

# pg_dump / pg_restore for `newsdesk backup` / `restore` against PostgreSQL.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 newsdesk \
    && useradd --system --uid 10001 --gid newsdesk --home-dir /var/lib/newsdesk \
       --shell /usr/sbin/nologin newsdesk \
    && install --directory --owner newsdesk --group newsdesk \
       /var/lib/newsdesk /var/lib/newsdesk/models /var/lib/newsdesk/media /run/newsdesk-metrics

WORKDIR /opt/newsdesk-src
COPY pyproject.toml README.md NOTICE ./
COPY src ./src
COPY deploy/gunicorn.conf.py /etc/newsdesk/gunicorn.conf.py
RUN python -m venv /opt/newsdesk \
    && pip install ".[server]"

# Static files at build time (the development profile with its throw-away key, only for
# this step: collectstatic neither signs nor stores anything with it).
RUN NEWSDESK_ENV=development NEWSDESK_INSECURE_DEV_KEY=1 DJANGO_SETTINGS_MODULE=newsdesk.settings \
    python -m django collectstatic --noinput --verbosity 0

USER newsdesk:newsdesk
WORKDIR /var/lib/newsdesk
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=8)"]

CMD ["gunicorn", "--config", "/etc/newsdesk/gunicorn.conf.py", "newsdesk.wsgi:application"]
