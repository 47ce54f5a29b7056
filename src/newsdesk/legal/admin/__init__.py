"""The legal channels in the back office, one module per part."""

from newsdesk.legal.admin import (
    notices,  # noqa: F401
    statements,  # noqa: F401
)
