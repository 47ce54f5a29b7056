"""`newsdesk demo` keeps its worker alive: a worker that stops is started again and the
console says so, while the web server keeps serving."""

from __future__ import annotations

import subprocess
import sys
import time

from newsdesk.core.management.commands.demo import Supervisor


def process(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def test_a_crashed_worker_is_started_again_and_the_site_stays_up():
    said: list[str] = []
    started: list[subprocess.Popen[bytes]] = []

    def start_worker() -> subprocess.Popen[bytes]:
        # The first worker crashes at once (as after kill -9); the next one keeps running.
        code = "import sys; sys.exit(3)" if not started else "import time; time.sleep(30)"
        started.append(process(code))
        return started[-1]

    server = process("import time; time.sleep(2.5)")  # the site, ending the demo by itself
    supervisor = Supervisor(start_worker, server, say=said.append, poll=0.1)
    began = time.monotonic()
    supervisor.run()
    assert time.monotonic() - began >= 2  # the server was not stopped with the worker
    assert len(started) == 2
    assert said == ["The worker stopped (exit code 3); starting it again. The site stays up."]
    assert all(worker.poll() is not None for worker in started)  # nothing left running


def test_a_worker_that_keeps_dying_stops_the_demo_with_a_message():
    said: list[str] = []
    server = process("import time; time.sleep(30)")
    supervisor = Supervisor(
        lambda: process("import sys; sys.exit(1)"),
        server,
        say=said.append,
        max_restarts=2,
        poll=0.05,
    )
    supervisor.run()
    assert server.poll() is not None  # stopped, not left behind
    assert said[-1].startswith("The worker stopped 3 times within 60 seconds (last exit code 1)")
    assert (
        said[:2]
        == [
            "The worker stopped (exit code 1); starting it again. The site stays up.",
        ]
        * 2
    )


def test_stopping_ends_both_without_restarting():
    said: list[str] = []
    server = process("import time; time.sleep(30)")
    supervisor = Supervisor(
        lambda: process("import time; time.sleep(30)"), server, say=said.append, poll=0.05
    )
    supervisor.stop()
    supervisor.run()
    assert server.poll() is not None and supervisor.worker.poll() is not None
    assert said == []
