"""Fill the site with the demo content of every capability (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand

from newsdesk.core.hooks import load_demo_content


class Command(BaseCommand):
    help = "Create demo sections, authors and articles (existing ones are left alone)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo_content()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
