"""The newsroom's commands: `newsdesk import`."""
