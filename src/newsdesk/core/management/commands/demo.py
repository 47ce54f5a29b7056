"""`newsdesk demo`: migrate, load demo content, print an admin login, run worker and web server."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsdesk.core.context_processors import emails_on_console
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
        # The model store exists from the start (empty until a model is installed), so the
        # demo is ready (/health/ready) while its editions wait for a model.
        Path(settings.NEWSDESK_MODEL_DIR).mkdir(parents=True, exist_ok=True)
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
        self._run(host, demo_banner(host, password))

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
        server = subprocess.Popen(server_argv(bind, workers=2, threads=DEFAULT_THREADS), env=env)
        supervisor = Supervisor(
            lambda: subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], env=env),
            server,
            say=lambda text: self.stdout.write(self.style.WARNING(text)),
        )
        time.sleep(1.5)
        self.stdout.write(self.style.SUCCESS(banner))
        signal.signal(signal.SIGTERM, lambda signum, frame: supervisor.stop())
        signal.signal(signal.SIGINT, lambda signum, frame: supervisor.stop())
        supervisor.run()
        if server.returncode not in (0, -signal.SIGTERM, None):
            raise SystemExit(f"the web server stopped with exit code {server.returncode}")


def demo_banner(host: str, password: str) -> str:
    """What the demo prints once it runs: its addresses, the admin's login, where its data
    lives and where its e-mails go (the console, unless EMAIL_BACKEND says otherwise)."""
    mail = (
        "printed on this console (sign-up confirmations too: copy the link from here)"
        if emails_on_console()
        else f"sent through {settings.EMAIL_BACKEND}"
    )
    return (
        f"\n  newsdesk demo: http://{host}/\n"
        f"  back office:   http://{host}/admin/\n"
        f"  login:         admin / {password}\n"
        f"  e-mails:       {mail}\n"
        f"  data:          {settings.DATA_DIR}\n  Stop with Ctrl+C.\n"
    )


class Supervisor:
    """Keeps the demo's worker running beside its web server: a worker that stops (a crash,
    a kill) is started again and the console says so; the site stays up. A worker that keeps
    dying (``max_restarts`` times within ``window`` seconds) stops the demo with a message.
    The web server stopping ends everything."""

    def __init__(
        self,
        start_worker: Callable[[], subprocess.Popen[bytes]],
        server: subprocess.Popen[bytes],
        *,
        say: Callable[[str], None],
        max_restarts: int = 5,
        window: float = 60.0,
        poll: float = 0.5,
    ) -> None:
        self.start_worker = start_worker
        self.server = server
        self.say = say
        self.max_restarts = max_restarts
        self.window = window
        self.poll = poll
        self.worker = start_worker()
        self.restarts: list[float] = []
        self.stopping = False

    def run(self) -> None:
        try:
            while not self.stopping and self.server.poll() is None:
                code = self.worker.poll()
                if code is not None and not self.stopping:
                    self._restart(code)
                time.sleep(self.poll)
        finally:
            self.stop()

    def _restart(self, code: int) -> None:
        now = time.monotonic()
        self.restarts = [moment for moment in self.restarts if now - moment < self.window]
        if len(self.restarts) >= self.max_restarts:
            self.say(
                f"The worker stopped {len(self.restarts) + 1} times within "
                f"{self.window:g} seconds (last exit code {code}); stopping the demo. "
                "Run `newsdesk worker` on its own to see why."
            )
            self.stopping = True
            return
        self.restarts.append(now)
        self.say(f"The worker stopped (exit code {code}); starting it again. The site stays up.")
        self.worker = self.start_worker()

    def stop(self) -> None:
        self.stopping = True
        for process in (self.server, self.worker):
            if process.poll() is None:
                process.terminate()
        for process in (self.server, self.worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
