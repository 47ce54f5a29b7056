"""A test engine for worker processes: the dummy engine, slowed down by an environment variable."""

from __future__ import annotations

import os
import time

from newsdesk.translation.engines.dummy import DummyEngine


class SlowEngine(DummyEngine):
    """Sleeps NEWSDESK_TEST_ENGINE_SLEEP seconds before translating (a worker to kill)."""

    name = "slow-dummy"

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        time.sleep(float(os.environ.get("NEWSDESK_TEST_ENGINE_SLEEP", "0")))
        return super().translate(segments, source, target)
