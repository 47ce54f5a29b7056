"""The legal channels in the back office, one module per part."""

from newsdesk.legal.admin import (  # noqa: F401
    authorities,
    complaints,
    notices,
    statements,
    terms,
)
