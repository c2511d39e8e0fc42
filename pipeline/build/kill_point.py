"""A test hook: LIFECYCLE_KILL_AT=<point> makes the build kill itself with SIGKILL at that point.

tests/test_kill_anywhere.py kills builds at named points (and at lines dbt and the ml step print) to
show that a build killed anywhere leaves the last release served whole and the next build free to
run. SIGKILL, not an exception: nothing of the build's own clean-up runs, as after a power cut or
the OOM killer. Unset (always, outside that test), a point costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

KILL_AT_ENV = "LIFECYCLE_KILL_AT"


def kill_point(name: str) -> None:
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
