"""`newsdesk demo`: migrate, load demo content, print an admin login, run worker and web server."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsdesk.core.management.commands.serve import DEFAULT_THREADS, server_argv
from newsdesk.core.roles import ADMIN


class Command(BaseCommand):
    help = "Set up the demo site (SQLite, demo content) and serve it with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--setup-only",
            action="store_true",
            help="Prepare database and content, then exit without serving.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("[1/4] Preparing the database …")
        call_command("migrate", interactive=False, verbosity=1)
        self.stdout.write("[2/4] Collecting static files …")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("[3/4] Loading demo content …")
        call_command("load_demo_content")
        password = self._admin_password()
        if options["setup_only"]:
            return
        self.stdout.write("[4/4] Starting the worker and the web server …")
        host = options["bind"]
        banner = (
            f"\n  newsdesk demo: http://{host}/\n"
            f"  back office:   http://{host}/admin/\n"
            f"  login:         admin / {password}\n"
            f"  data:          {settings.DATA_DIR}\n  Stop with Ctrl+C.\n"
        )
        self._run(host, banner)

    def _admin_password(self) -> str:
        """The demo's admin gets a fresh random password on every start, printed once."""
        password = secrets.token_urlsafe(12)
        user_model = get_user_model()
        user, _created = user_model.objects.get_or_create(
            username="admin", defaults={"email": "admin@localhost"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ADMIN))
        return password

    def _run(self, bind: str, banner: str) -> None:
        env = dict(os.environ)
        worker = subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], env=env)
        server = subprocess.Popen(server_argv(bind, workers=2, threads=DEFAULT_THREADS), env=env)
        time.sleep(1.5)
        self.stdout.write(self.style.SUCCESS(banner))

        def stop(signum: int, frame: Any) -> None:
            for process in (server, worker):
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while server.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for process in (server, worker):
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if server.returncode not in (0, -signal.SIGTERM, None):
            raise SystemExit(f"the web server stopped with exit code {server.returncode}")
