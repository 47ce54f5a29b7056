"""Settings for the test suite: the normal settings with test-only defaults filled in."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "newsdesk-tests-only")
os.environ.setdefault("NEWSDESK_PLAIN_STATIC", "1")
os.environ.setdefault("NEWSDESK_DATA_DIR", tempfile.mkdtemp(prefix="newsdesk-tests-"))
os.environ.setdefault("SITE_URL", "http://testserver")

from newsdesk.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; argon2 is tested
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# The community's own tests post first comments, links and arbitrary words: only the steps
# that do nothing without a word list, a policy or a sanction run by default; moderation's
# tests switch the whole pipeline on.
NEWSDESK_MODERATION_PIPELINE = [
    {"CLASS": "newsdesk.moderation.screening.BannedTerms"},
    {"CLASS": "newsdesk.moderation.screening.SuspectTerms"},
    {"CLASS": "newsdesk.moderation.screening.Premoderation"},
]
