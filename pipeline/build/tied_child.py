"""Run a command that dies with the build: `python -m pipeline.build.tied_child <command...>`.

The build runs dbt and the ml step as child processes. Killed itself (the OOM killer, `kill -9`, a
crashed terminal), it would leave them running: still writing into a scratch release the next
build deletes, still rewriting dbt's target/ files while the next build's dbt reads them. Linux
can send a child a signal when its parent dies (prctl PR_SET_PDEATHSIG); this wrapper asks for
SIGKILL, then becomes the command (exec), which keeps the setting. Done here rather than in
Popen's preexec_fn, which is unsafe while the build has other threads running.

The signal follows the thread that started the child: start tied children from the build's main
thread. Where prctl is missing (not Linux) the command runs untied."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def tie_to_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the setting took effect
        os._exit(137)


def command(argv: list[str]) -> list[str]:
    """`argv` run through this wrapper, tied to the calling process."""
    return [sys.executable, "-m", __name__, str(os.getpid()), *argv]


if __name__ == "__main__":
    tie_to_parent(int(sys.argv[1]))
    os.execvp(sys.argv[2], sys.argv[2:])
