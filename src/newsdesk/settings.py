"""Django settings for newsdesk, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from newsdesk.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_class,
    env_header,
    env_int,
    env_languages,
    env_list,
    env_networks,
    env_secret,
    env_str,
    env_timezone,
    production_problems,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("NEWSDESK_DATA_DIR", str(Path.cwd() / "var"))).resolve()

# The profile: "development" (the default: demo, tests, one machine) or "production" (secure
# cookies, HSTS, HTTPS redirect behind a TLS proxy; refuses to start when DEBUG is on, the secret
# key is missing or weak, or ALLOWED_HOSTS is not set; docs/operations.md).
NEWSDESK_ENV = env_choice("NEWSDESK_ENV", "development", ("development", "production"))
PRODUCTION = NEWSDESK_ENV == "production"

DEBUG = env_bool("DEBUG", False)

_DEVELOPMENT_KEY = "newsdesk-development-key-not-for-production"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY")
if PRODUCTION:
    _problems = production_problems(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        dev_key=_DEVELOPMENT_KEY,
        allowed_hosts_raw=os.environ.get("ALLOWED_HOSTS"),
    )
    if _problems:
        raise ConfigError(
            "NEWSDESK_ENV=production will not start:\n  - " + "\n  - ".join(_problems)
        )
if not SECRET_KEY:
    # A development key is only acceptable on a machine nobody else reaches: DEBUG, tests, demo.
    if DEBUG or env_bool("NEWSDESK_INSECURE_DEV_KEY", False):
        SECRET_KEY = _DEVELOPMENT_KEY
    else:
        raise ConfigError("SECRET_KEY (or SECRET_KEY_FILE) must be set unless DEBUG=1")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("NEWSDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("NEWSDESK_SITE_NAME", "newsdesk")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "newsdesk.core",
    "newsdesk.newsroom",
    "newsdesk.translation",
    "newsdesk.editions",
    "newsdesk.community",
    "newsdesk.moderation",
    "newsdesk.legal",
    "allauth",
    "allauth.account",
    "django_prose_editor",  # the back office's rich-text editor (static files only)
]

MIDDLEWARE = [
    "newsdesk.core.observability.RequestIdMiddleware",
    "newsdesk.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.core.middleware.ContentSecurityPolicyMiddleware",
    "newsdesk.core.availability.DatabaseUnavailableMiddleware",
    "newsdesk.community.middleware.PublicThreadReadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsdesk.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "newsdesk.community.middleware.CommentSectionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.core.context_processors.site",
            ],
        },
    },
]

# Databases: embedded SQLite in WAL mode unless DATABASE_URL names another.
_default_db_url = f"sqlite:///{DATA_DIR / 'newsdesk.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db_url)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
except (ValueError, KeyError) as exc:
    raise ConfigError(f"DATABASE_URL={_db_url!r} cannot be used: {exc}") from None
# The password apart from the URL, e.g. from a container or systemd secret (DATABASE_PASSWORD_FILE).
_db_password = env_secret("DATABASE_PASSWORD")
if _db_password:
    _db["PASSWORD"] = _db_password
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DATABASES = {"default": _db}
# PostgreSQL read replicas (comma-separated URLs): reader pages and APIs read from them,
# writes and a writing client's next reads stay on the primary (newsdesk.core.db_router).
NEWSDESK_DB_REPLICAS: list[str] = []
for _number, _replica_url in enumerate(env_list("DATABASE_REPLICA_URLS", []), 1):
    try:
        _replica = dj_database_url.parse(_replica_url, conn_max_age=_db["CONN_MAX_AGE"])
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"DATABASE_REPLICA_URLS: {_replica_url!r} cannot be used: {exc}"
        ) from None
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database
    DATABASES[f"replica{_number}"] = _replica
    NEWSDESK_DB_REPLICAS.append(f"replica{_number}")
# How long a client that wrote keeps reading from the primary (the replicas' lag, with room).
NEWSDESK_DB_PRIMARY_AFTER_WRITE_SECONDS = env_int(
    "NEWSDESK_DB_PRIMARY_AFTER_WRITE_SECONDS", 5, minimum=0
)
DATABASE_ROUTERS = ["newsdesk.core.db_router.ReplicaRouter"] if NEWSDESK_DB_REPLICAS else []
if NEWSDESK_DB_REPLICAS:
    MIDDLEWARE.insert(1, "newsdesk.core.db_router.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, except the login and sign-up throttles, which all server
# processes share through a database table (newsdesk.core.cache_backends); CACHE_URL=redis://host:6379/0
# for one cache shared by all processes.
_cache_url = env_str("CACHE_URL", "locmem://")
if _cache_url.startswith("locmem://"):
    CACHES = {
        "default": {"BACKEND": "newsdesk.core.cache_backends.LocalCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_shared_cache",
            # Never cull live throttle entries to make room (Django's default is 300 rows);
            # newsdesk worker deletes the expired ones.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }
elif _cache_url.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # Django's Redis cache, except that a down Redis is a miss, not an error
            "BACKEND": "newsdesk.core.cache_backends.RedisCacheFallingThrough",
            "LOCATION": _cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    raise ConfigError(f"CACHE_URL={_cache_url!r}: use locmem://, dummy:// or redis://host:port/db")

# Background work through the tasks API (django-tasks backport of Django 6's django.tasks):
# the embedded database backend by default; NEWSDESK_TASKS_BACKEND=rq puts the tasks on Redis
# (REDIS_URL) through django-tasks-rq. Queues: newsdesk.core.queues (translation apart).
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    # RQ through django-tasks-rq; a task Redis cannot take waits in the database (core.outbox)
    "rq": "newsdesk.core.outbox.OutboxRQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
NEWSDESK_TASK_QUEUES = ["default", "translation", "translation-gpu"]  # core.queues.ALL
# A GPU translation worker's heartbeat lasts this long: translation goes to the CPU workers
# at most this long (plus a sweep) after the last GPU worker stopped (core/queues.py).
NEWSDESK_MT_GPU_HEARTBEAT_SECONDS = env_int("NEWSDESK_MT_GPU_HEARTBEAT_SECONDS", 60, minimum=2)
_task_backend = env_class("NEWSDESK_TASKS_BACKEND", "database", _task_backends)
TASKS = {"default": {"BACKEND": _task_backend, "QUEUES": NEWSDESK_TASK_QUEUES}}
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if _task_backend == _task_backends["rq"]:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# django-rq's queues (used only with the rq backend): one per task queue, all on REDIS_URL.
# A job may run for an hour (a long article on a CPU); the scheduler holds run_after tasks.
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in NEWSDESK_TASK_QUEUES}
# A task marked running for longer than this belonged to a worker that was killed: a running
# worker queues it again (checked at its start and every minute; newsdesk worker --stale-after).
NEWSDESK_TASK_STALE_SECONDS = env_int("NEWSDESK_TASK_STALE_SECONDS", 600, minimum=30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Languages: the site's languages (URL prefixes /de/, /en/ ...); the first is the default.
KNOWN_LANGUAGES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "it": "Italiano",
    "es": "Español",
    "nl": "Nederlands",
    "pl": "Polski",
    "cs": "Čeština",
    "hu": "Magyar",
    "sl": "Slovenščina",
    "hr": "Hrvatski",
    "tr": "Türkçe",
    "uk": "Українська",
}
_site_languages = env_languages("NEWSDESK_LANGUAGES", ["de", "en"], KNOWN_LANGUAGES)
LANGUAGE_CODE = env_str("LANGUAGE_CODE", _site_languages[0])
if LANGUAGE_CODE not in _site_languages:
    raise ConfigError(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of NEWSDESK_LANGUAGES "
        f"({','.join(_site_languages)})"
    )
LANGUAGES = [(code, KNOWN_LANGUAGES[code]) for code in _site_languages]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Vienna")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Serve uploaded media from Django itself (demo and small sites; large ones use a web server).
SERVE_MEDIA = env_bool("NEWSDESK_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("NEWSDESK_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security defaults.
SESSION_ENGINE = "newsdesk.core.sessions"  # Django's database sessions, read by plain SQL
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# JSON for the APIs, Django's page elsewhere.
CSRF_FAILURE_VIEW = "newsdesk.core.json_api.csrf_failure"
SESSION_COOKIE_SECURE = env_bool("NEWSDESK_SECURE_COOKIES", SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = env_header(
    "NEWSDESK_PROXY_SSL_HEADER",
    "X-Forwarded-Proto: https" if env_bool("NEWSDESK_BEHIND_TLS_PROXY", False) else "",
)
# CSP (newsdesk.core.middleware): also ask browsers to load every http:// address over HTTPS.
NEWSDESK_CSP_UPGRADE_INSECURE_REQUESTS = False
if PRODUCTION:
    # HTTPS everywhere: TLS ends at a proxy in front (compose, systemd: docs/operations.md) that
    # says so in NEWSDESK_PROXY_SSL_HEADER; health and metrics probes from inside stay on HTTP.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("NEWSDESK_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health(/|$)", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = env_header("NEWSDESK_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    SECURE_HSTS_SECONDS = env_int("NEWSDESK_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NEWSDESK_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("NEWSDESK_HSTS_PRELOAD", False)
    NEWSDESK_CSP_UPGRADE_INSECURE_REQUESTS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Whether e-mails are printed on the console instead of sent (the demo): pages that promise an
# e-mail, and the demo's banner, say where it went.
NEWSDESK_EMAILS_ON_CONSOLE = EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsdesk@localhost")

LOGIN_URL = "admin:login"

# How many articles a list page shows, and how long reader pages are cached (seconds).
NEWSDESK_PAGE_SIZE = env_int("NEWSDESK_PAGE_SIZE", 20, minimum=1)
NEWSDESK_PAGE_CACHE_SECONDS = env_int("NEWSDESK_PAGE_CACHE_SECONDS", 60, minimum=0)

# Logs on standard error: plain lines, or one JSON object per record (NEWSDESK_LOG_FORMAT=json)
# for a log collector; each record carries the request's id (newsdesk.core.observability).
NEWSDESK_LOG_FORMAT = env_choice("NEWSDESK_LOG_FORMAT", "plain", ("plain", "json"))
# One log line per request (method, path, status, view, duration_ms): the access log.
NEWSDESK_LOG_REQUESTS = env_bool("NEWSDESK_LOG_REQUESTS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsdesk.core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": NEWSDESK_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# Prometheus metrics at /metrics (newsdesk.metrics): off (404) unless a token or addresses are
# configured; then answered to "Authorization: Bearer TOKEN" or to clients from these networks
# (the address as newsdesk.core.net.client_ip reads it), 403 to anyone else.
NEWSDESK_METRICS_TOKEN = env_secret("NEWSDESK_METRICS_TOKEN") or ""
NEWSDESK_METRICS_ALLOWED_IPS = env_networks("NEWSDESK_METRICS_ALLOWED_IPS", [])


# Reader community (accounts through django-allauth, comments, opening hours, widget).
# Django's and allauth's backends, loading the user of each request with a prepared query.
AUTHENTICATION_BACKENDS = [
    "newsdesk.core.auth.ModelBackend",
    "newsdesk.core.auth.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "newsdesk.community.forms.SignupExtraForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Login throttling: failed logins per IP and per account, sign-ups and resets per IP.
ACCOUNT_ADAPTER = "newsdesk.community.accounts.AccountAdapter"  # addresses as core.net reads them
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
LOGIN_REDIRECT_URL = "/"
COMMUNITY_COMMENT_MAX_LENGTH = env_int("NEWSDESK_COMMUNITY_COMMENT_MAX_LENGTH", 2000, minimum=1)
COMMUNITY_MAX_DEPTH = env_int("NEWSDESK_COMMUNITY_MAX_DEPTH", 3, minimum=1)
COMMUNITY_EDIT_WINDOW_SECONDS = env_int("NEWSDESK_COMMUNITY_EDIT_WINDOW_SECONDS", 900, minimum=0)
COMMUNITY_PAGE_SIZE = env_int("NEWSDESK_COMMUNITY_PAGE_SIZE", 50, minimum=1)
COMMUNITY_SECONDS_BETWEEN_COMMENTS = env_int(
    "NEWSDESK_COMMUNITY_SECONDS_BETWEEN_COMMENTS", 30, minimum=0
)
COMMUNITY_ACCOUNT_BURST = env_int("NEWSDESK_COMMUNITY_ACCOUNT_BURST", 10, minimum=1)  # per hour
# 0 turns the per-address limit off (e.g. behind a proxy that hides the readers' addresses).
COMMUNITY_IP_PER_MINUTE = env_int("NEWSDESK_COMMUNITY_IP_PER_MINUTE", 20, minimum=0)
COMMUNITY_ALLOWED_ORIGINS = env_list("NEWSDESK_COMMUNITY_ALLOWED_ORIGINS", [])
# Proxies in front of the server that append to X-Forwarded-For (0: use REMOTE_ADDR); the
# per-IP comment limit needs the client's address, not the proxy's.
# Proxies in front of the server that append to X-Forwarded-For (newsdesk.core.net.client_ip);
# COMMUNITY_TRUSTED_PROXIES is the older name of the variable.
TRUSTED_PROXIES = env_int("NEWSDESK_TRUSTED_PROXIES", 0, minimum=0)


# Machine translation (newsdesk.translation): the engine, installed models and the HTTP API.
NEWSDESK_MODEL_DIR = Path(env_str("NEWSDESK_MT_MODEL_DIR", str(DATA_DIR / "models"))).resolve()
# Where `newsdesk models install de-en` looks a pair up (a JSON index, see docs/translation.md).
NEWSDESK_MODEL_INDEX_URL = env_str("NEWSDESK_MT_MODEL_INDEX_URL", "")
_mt_engines = {
    "ctranslate2": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
    "deepl": "newsdesk.translation.engines.http.DeepLEngine",
    "libretranslate": "newsdesk.translation.engines.http.LibreTranslateEngine",
    "openai": "newsdesk.translation.engines.http.OpenAIChatEngine",
    "dummy": "newsdesk.translation.engines.dummy.DummyEngine",
}
_mt_engine_class = env_class("NEWSDESK_MT_ENGINE", "ctranslate2", _mt_engines)
_mt_engine = {path: short for short, path in _mt_engines.items()}.get(_mt_engine_class, "")
if _mt_engine == "ctranslate2":
    _mt_options: dict[str, object] = {
        "model_dir": str(NEWSDESK_MODEL_DIR),
        # cpu, cuda or auto (CUDA where CTranslate2 finds a device); the compute type empty:
        # the device's default, int8 on a CPU and int8_float16 on CUDA (engines/device.py).
        "device": env_str("NEWSDESK_MT_DEVICE", "cpu"),
        "compute_type": env_str("NEWSDESK_MT_COMPUTE_TYPE", ""),
        # 0 = automatic: on a CPU one translator per core (up to 4), one thread each.
        "inter_threads": env_int("NEWSDESK_MT_INTER_THREADS", 0, minimum=0),
        "intra_threads": env_int("NEWSDESK_MT_INTRA_THREADS", 0, minimum=0),
        "beam_size": env_int("NEWSDESK_MT_BEAM_SIZE", 4, minimum=1),
        # Source tokens per CTranslate2 batch; 0 = automatic: 64 per thread of a translator on
        # a CPU (memory: about 0.3 MB per token at beam 4), 2048 on a GPU.
        "max_batch_tokens": env_int("NEWSDESK_MT_MAX_BATCH_TOKENS", 0, minimum=0),
        # Score only the target language's pieces (vmap.txt), not the shared vocabulary.
        "restrict_vocabulary": env_bool("NEWSDESK_MT_RESTRICT_VOCABULARY", True),
    }
elif _mt_engine in ("deepl", "libretranslate", "openai"):
    _mt_options = {
        "url": env_str("NEWSDESK_MT_URL", ""),
        "api_key": env_secret("NEWSDESK_MT_API_KEY") or "",
        "timeout": env_int("NEWSDESK_MT_TIMEOUT", 30, minimum=1),
    }
    if _mt_engine == "openai":
        _mt_options["model"] = env_str("NEWSDESK_MT_MODEL", "")
else:
    _mt_options = {}
NEWSDESK_TRANSLATION_ENGINE = {
    "CLASS": _mt_engine_class,
    "OPTIONS": _mt_options,
}
# Readiness (/health/ready, newsdesk.core.health): the parts above core, {name: dotted path}.
NEWSDESK_READINESS_CHECKS = {"models": "newsdesk.readiness.check_model_store"}
# The LibreTranslate-compatible API under /mt/: keys required, and the default rate per key.
NEWSDESK_MT_API_KEYS_REQUIRED = env_bool("NEWSDESK_MT_API_KEYS_REQUIRED", True)
NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE = env_int(
    "NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE", 20, minimum=0
)


# Translated editions (newsdesk.editions): the publish-time translation workflow.
# "Review first" for sections and languages without a rule of their own in the back office.
NEWSDESK_EDITIONS_REVIEW_FIRST = env_bool("NEWSDESK_EDITIONS_REVIEW_FIRST", False)
# Engine failures: tries in all, and the first wait before a retry (doubled each time).
NEWSDESK_EDITIONS_MAX_ATTEMPTS = env_int("NEWSDESK_EDITIONS_MAX_ATTEMPTS", 4, minimum=1)
NEWSDESK_EDITIONS_RETRY_SECONDS = env_int("NEWSDESK_EDITIONS_RETRY_SECONDS", 30, minimum=0)
# A translation service that is down (EngineUnavailable) past the attempts: editions keep
# waiting this long (tried every 10 retry periods), then FAILED.
NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS = env_int("NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS", 24, minimum=0)
# How many editions of one language pair a translation task takes at once, their segments
# sent to the engine together (editions/workflow.run_translations); 0: 1 on a CPU, 16 on CUDA.
NEWSDESK_MT_BATCH_EDITIONS = env_int("NEWSDESK_MT_BATCH_EDITIONS", 0, minimum=0)
# How long a worker holds an edition; after that another worker takes it over.
NEWSDESK_EDITIONS_LEASE_SECONDS = env_int("NEWSDESK_EDITIONS_LEASE_SECONDS", 600, minimum=10)

# Moderation (newsdesk.moderation): the screening pipeline ({"CLASS", "OPTIONS"} steps; None:
# the documented default, see newsdesk/moderation/screening.py; NEWSDESK_MODERATION_SCREENING=0
# screens nothing) and the classifier's model
# file (empty: the built-in German model trained on GermEval 2018).
NEWSDESK_MODERATION_PIPELINE: list[dict[str, object]] | None = (
    None if env_bool("NEWSDESK_MODERATION_SCREENING", True) else []
)
NEWSDESK_MODERATION_MODEL = env_str("NEWSDESK_MODERATION_MODEL", "")
# The classifier: the built-in linear model (its file: NEWSDESK_MODERATION_MODEL), a scoring
# service over HTTP, Detoxify (the "detoxify" extra) or a dotted path.
_moderation_classifiers = {
    "linear": "newsdesk.moderation.classifiers.linear.LinearClassifier",
    "http": "newsdesk.moderation.classifiers.remote.HttpClassifier",
    "detoxify": "newsdesk.moderation.classifiers.remote.DetoxifyClassifier",
}
_classifier_class = env_class("NEWSDESK_MODERATION_CLASSIFIER", "linear", _moderation_classifiers)
_classifier_options: dict[str, object] = {}
if _classifier_class == _moderation_classifiers["http"]:
    _classifier_options = {
        "url": env_str("NEWSDESK_MODERATION_CLASSIFIER_URL", ""),
        "api_key": env_secret("NEWSDESK_MODERATION_CLASSIFIER_API_KEY") or "",
        "timeout": env_int("NEWSDESK_MODERATION_CLASSIFIER_TIMEOUT", 5, minimum=1),
    }
elif _classifier_class == _moderation_classifiers["detoxify"]:
    _classifier_options = {
        "model": env_str("NEWSDESK_MODERATION_DETOXIFY_MODEL", "multilingual"),
        "device": env_str("NEWSDESK_MODERATION_DETOXIFY_DEVICE", "cpu"),
    }
NEWSDESK_MODERATION_CLASSIFIER = {"CLASS": _classifier_class, "OPTIONS": _classifier_options}

# The legal channels (newsdesk.legal): parts the operator switches off (comma-separated names
# from newsdesk/legal/parts.py, e.g. "transparency_database,misuse"); all run by default.
NEWSDESK_LEGAL_OFF = env_list("NEWSDESK_LEGAL_OFF", [])
# A notice still open this many hours after it came in counts as past its deadline (the metric
# newsdesk_legal_notices_overdue, docs/operations.md).
NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS = env_int(
    "NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS", 24, minimum=1
)
# Notices (DSA Art. 16, newsdesk/legal/notices.py): notices an hour per sender address and per
# e-mail address (0: no limit; trusted flaggers' members are not limited), the characters an
# explanation needs at least, whether a reported comment is held (hidden) until decided, and
# the out-of-court dispute settlement body named to notifiers (Art. 21; a name and/or address).
NEWSDESK_LEGAL_NOTICES_PER_ADDRESS = env_int("NEWSDESK_LEGAL_NOTICES_PER_ADDRESS", 10, minimum=0)
NEWSDESK_LEGAL_NOTICES_PER_EMAIL = env_int("NEWSDESK_LEGAL_NOTICES_PER_EMAIL", 5, minimum=0)
NEWSDESK_LEGAL_NOTICE_MIN_EXPLANATION = env_int(
    "NEWSDESK_LEGAL_NOTICE_MIN_EXPLANATION", 20, minimum=1
)
NEWSDESK_LEGAL_HOLD_REPORTED = env_bool("NEWSDESK_LEGAL_HOLD_REPORTED", False)
NEWSDESK_LEGAL_DISPUTE_SETTLEMENT = env_str("NEWSDESK_LEGAL_DISPUTE_SETTLEMENT", "")
# Misuse (DSA Art. 23, newsdesk/legal/misuse.py): this many manifestly illegal items of an
# account, or manifestly unfounded notices of a notifier, within MISUSE_DAYS days lead to a
# warning; as many again after it (the warning within MISUSE_DAYS days) to a suspension of
# MISUSE_SUSPENSION_DAYS days. MISUSE_REASON: the moderation reason of an account's sanction.
NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS = env_int("NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS", 3, minimum=1)
NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES = env_int(
    "NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES", 5, minimum=1
)
NEWSDESK_LEGAL_MISUSE_DAYS = env_int("NEWSDESK_LEGAL_MISUSE_DAYS", 90, minimum=1)
NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS = env_int(
    "NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS", 30, minimum=1
)
NEWSDESK_LEGAL_MISUSE_REASON = env_str("NEWSDESK_LEGAL_MISUSE_REASON", "illegal")
# Retention of the legal channels' records, in days, enforced once a day by the worker
# (newsdesk/legal/retention.py says what each one removes). Records a legal hold covers stay.
NEWSDESK_LEGAL_RETENTION_ADDRESS_DAYS = env_int(
    "NEWSDESK_LEGAL_RETENTION_ADDRESS_DAYS", 180, minimum=1
)
NEWSDESK_LEGAL_RETENTION_NOTICE_DAYS = env_int(
    "NEWSDESK_LEGAL_RETENTION_NOTICE_DAYS", 365, minimum=1
)
NEWSDESK_LEGAL_RETENTION_STATEMENT_DAYS = env_int(
    "NEWSDESK_LEGAL_RETENTION_STATEMENT_DAYS", 1825, minimum=1
)
NEWSDESK_LEGAL_RETENTION_EVIDENCE_DAYS = env_int(
    "NEWSDESK_LEGAL_RETENTION_EVIDENCE_DAYS", 365, minimum=1
)
