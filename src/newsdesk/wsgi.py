"""WSGI entry point (`newsdesk serve` runs it with Granian)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_wsgi_application()

# What start-up loaded (modules, URL patterns, templates) lives as long as the process: moved
# out of the collector's generations, the full collections in between requests stay short.
gc.freeze()
