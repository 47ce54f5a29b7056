"""newsdesk: a self-hosted news platform."""

__version__ = "0.1.0"
