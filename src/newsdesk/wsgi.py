"""WSGI entry point (`newsdesk serve` runs it with Granian)."""

import gc
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

# What the server itself puts into a request's environ (PEP 3333 and CGI).
REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "REMOTE_HOST",
        "GATEWAY_INTERFACE",
        "HTTPS",
        "RAW_URI",
        "REQUEST_URI",
    }
)


def without_process_environment(app: Callable[..., Any]) -> Callable[..., Any]:
    """Granian copies the server process's environment variables into every request's
    environ, CGI-style, so Django's request.META would carry DATABASE_URL, SECRET_KEY, API
    keys and the like into error reports and anything else that shows META. This drops
    them again (an HTTP_* variable of the process, e.g. HTTP_PROXY, only where the request
    did not send that header itself)."""
    process = dict(os.environ)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        for key in process.keys() & environ.keys():
            if key in REQUEST_KEYS:
                continue
            if key.startswith("HTTP_") and environ[key] != process[key]:
                continue  # the request's own header
            del environ[key]
        return app(environ, start_response)

    return application


application = without_process_environment(get_wsgi_application())

# What start-up loaded (modules, URL patterns, templates) lives as long as the process: moved
# out of the collector's generations, the full collections in between requests stay short.
gc.freeze()
