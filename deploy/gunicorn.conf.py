"""Gunicorn's settings for newsdesk (the container image and deploy/systemd/newsdesk-web.service).

Read from the environment like the site's own settings: NEWSDESK_BIND, NEWSDESK_WEB_WORKERS,
NEWSDESK_WEB_THREADS, NEWSDESK_WEB_TIMEOUT, NEWSDESK_FORWARDED_ALLOW_IPS.
"""

import os

bind = os.environ.get("NEWSDESK_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container
workers = int(os.environ.get("NEWSDESK_WEB_WORKERS", "2"))
threads = int(os.environ.get("NEWSDESK_WEB_THREADS", "1"))
timeout = int(os.environ.get("NEWSDESK_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Load the application before forking: the workers share its memory.
preload_app = True
# Recycle workers now and then (memory growth of long-lived processes), not all at once.
max_requests = 5000
max_requests_jitter = 500
# Addresses of the TLS proxy whose X-Forwarded-* headers gunicorn passes on.
forwarded_allow_ips = os.environ.get("NEWSDESK_FORWARDED_ALLOW_IPS", "127.0.0.1")
# newsdesk logs every request itself (NEWSDESK_LOG_REQUESTS, with the request id).
accesslog = None
errorlog = "-"
# Temporary request files in memory, not on a possibly slow container filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeats


def child_exit(server, worker):
    """Prometheus multiprocess mode: a worker that has gone stops counting in live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
