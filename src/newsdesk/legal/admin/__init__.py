"""The legal channels in the back office, one module per part."""

from newsdesk.legal.admin import (
    complaints,  # noqa: F401
    notices,  # noqa: F401
)
