"""`newsdesk legal <part> <action> ...`: the legal channels' commands, one group per part.

Each group is a module with ``HELP`` (one line), ``add_arguments(parser)`` (its own actions
as subparsers, ``dest="action"``) and ``handle(command, options)``; a part adds its group
with one line in ``GROUPS``. Errors end with ``CommandError`` and the exit status each group
documents.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# group name -> module (``newsdesk legal statements export`` runs statements' "export").
GROUPS: dict[str, str] = {
    "statements": "newsdesk.legal.management.statements",
}


def _group(name: str) -> ModuleType:
    return importlib.import_module(GROUPS[name])


class Command(BaseCommand):
    help = "The legal channels: statements of reasons and their export to the EU database."

    def add_arguments(self, parser: CommandParser) -> None:
        groups = parser.add_subparsers(dest="group", required=True, metavar="PART")
        for name in GROUPS:
            module = _group(name)
            sub = groups.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        _group(options["group"]).handle(self, options)
