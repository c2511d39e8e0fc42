"""Lets dbt start while the build loads the file: dbt's start-up (imports, project parse, a few
seconds of one core) overlaps the load instead of following it.

The build holds an exclusive lock on a gate file while it loads; dbt's plugin (pipeline/build/dbt_plugin.py)
is created just before dbt opens the warehouse, waits there for the lock and reads whether the load
finished. Kept free of dbt imports: the build process imports it."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

GATE_ENV = "LIFECYCLE_DBT_LOAD_GATE"
LOADED = "loaded"


class LoadGate:
    """Closed (locked) from creation until `release`."""

    def __init__(self, directory: Path | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="lifecycle-load-gate-", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(handle, "w")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self, loaded: bool) -> None:
        self._file.write(LOADED if loaded else "failed")
        self._file.flush()
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()

    def remove(self) -> None:
        if not self._file.closed:
            self.release(loaded=False)
        self.path.unlink(missing_ok=True)


def wait_for_load(gate: Path) -> bool:
    """Block until the build releases `gate`; True when its load finished."""
    with gate.open() as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        return handle.read().strip() == LOADED
