"""`newsdesk conversations merge SOURCE INTO`: operators merge two conversations of one page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.community import actions


class Command(BaseCommand):
    help = "Manage conversations (the discussions of articles and of embedding pages)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        merge = commands.add_parser(
            "merge",
            help="move every comment of SOURCE into INTO; SOURCE's address leads to INTO from "
            "then on",
        )
        merge.add_argument("source", help="id or page address of the conversation to merge")
        merge.add_argument("into", help="id or page address of the conversation to keep")
        merge.add_argument(
            "--as",
            dest="username",
            default="",
            help="the staff account recorded in the audit trail (default: the first active "
            "superuser)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = actions.find_conversation(options["source"])
            into = actions.find_conversation(options["into"])
            acting_user = self._acting_user(options["username"])
            before = source.comment_count
            actions.do_merge_conversations(source, into=into, acting_user=acting_user)
        except actions.CommentRefused as refused:
            raise CommandError(f"{refused.code}: {refused.message}") from None
        into.refresh_from_db()
        self.stdout.write(
            f"merged conversation #{source.pk} ({source.url or source}, {before} visible "
            f"comments) into #{into.pk} ({into.url or into}, now {into.comment_count})"
        )

    def _acting_user(self, username: str) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active account {username!r}")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("no active superuser: name a staff account with --as")
        return user
