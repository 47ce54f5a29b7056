"""`newsdesk mt keys add|list|remove`: the translation API's keys from the command line, for
operators who script their setup (as LibreTranslate's ``ltmanage keys``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.translation.actions import do_create_api_key, do_remove_api_key
from newsdesk.translation.models import ApiKey

PREFIX_LENGTH = 6  # what ApiKey.set_new_key keeps of the key, and `list` shows


class Command(BaseCommand):
    help = "Manage the translation API (/mt/): its keys."

    def add_arguments(self, parser: CommandParser) -> None:
        areas = parser.add_subparsers(dest="area", required=True)
        keys = areas.add_parser("keys", help="API keys of /mt/").add_subparsers(
            dest="action", required=True
        )
        add = keys.add_parser("add", help="make a key; it is printed once")
        add.add_argument(
            "per_minute",
            nargs="?",
            type=int,
            default=ApiKey._meta.get_field("requests_per_minute").get_default(),
            metavar="REQ_LIMIT",
            help="requests per minute (default %(default)s)",
        )
        add.add_argument(
            "--description",
            default="",
            help="who or what uses the key, e.g. 'CMS plugin' (shown in the back office)",
        )
        add.add_argument(
            "--max-characters",
            type=int,
            default=ApiKey._meta.get_field("max_characters").get_default(),
            help="characters per request, all texts together (default %(default)s)",
        )
        add.add_argument("--quiet", action="store_true", help="print the key only")
        keys.add_parser("list", help="every key with its limits (never the key itself)")
        remove = keys.add_parser("remove", help="delete a key: clients using it are refused")
        remove.add_argument("key", help="the key, or the first characters that `list` shows")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _add(self, options: dict[str, Any]) -> None:
        if options["per_minute"] < 1 or options["max_characters"] < 1:
            raise CommandError("REQ_LIMIT and --max-characters must be at least 1.")
        description = options["description"].strip() or "command line"
        name_length = ApiKey._meta.get_field("name").max_length or 100
        if len(description) > name_length:
            raise CommandError(f"--description is longer than {name_length} characters.")
        key = ApiKey(
            name=description,
            requests_per_minute=options["per_minute"],
            max_characters=options["max_characters"],
        )
        secret = do_create_api_key(key, acting_user=None)
        if options["quiet"]:
            self.stdout.write(secret)
            return
        self.stdout.write(
            f"{secret}\n"
            f"Made key {key.prefix}… for {key.name!r}: {key.requests_per_minute} requests per "
            f"minute, {key.max_characters} characters per request. It is shown only now; "
            "clients send it as api_key."
        )

    def _list(self, options: dict[str, Any]) -> None:
        keys = list(ApiKey.objects.order_by("created_at", "pk"))
        if not keys:
            self.stdout.write("No API keys. Make one with: newsdesk mt keys add [REQ_LIMIT]")
            return
        self.stdout.write(
            f"{'key':<9} {'per min':>7} {'chars':>7}  {'active':<6} {'last used':<16}  description"
        )
        for key in keys:
            used = key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix + '…':<9} {key.requests_per_minute:>7} {key.max_characters:>7}  "
                f"{'yes' if key.active else 'no':<6} {used:<16}  {key.name}"
            )

    def _remove(self, options: dict[str, Any]) -> None:
        given = options["key"].strip().rstrip("…")
        found = ApiKey.objects.filter(key_hash=ApiKey.hash_key(given)).first()
        if found is None and 0 < len(given) <= PREFIX_LENGTH:
            matches = list(ApiKey.objects.filter(prefix__startswith=given)[:2])
            if len(matches) > 1:
                raise CommandError(f"More than one key starts with {given!r}: give more of it.")
            found = matches[0] if matches else None
        if found is None:
            raise CommandError(f"No API key {given!r} (newsdesk mt keys list shows them).")
        do_remove_api_key(found, acting_user=None)
        self.stdout.write(f"Removed key {found.prefix}… ({found.name}).")
