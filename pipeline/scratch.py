"""One stable path for dbt's database, whatever warehouse is being built.

dbt reuses its parse of the project (partial parsing, target/partial_parse.msgpack) only when the
profile's connection settings are unchanged, and the database path is one of them. The build's
scratch file sits next to the warehouse (so that publishing it is a rename), so its path changes
with the warehouse: dbt then reparsed the whole project on every build (about 4-6 s). Here dbt is
always given target/scratch/warehouse.duckdb, a symbolic link to the real scratch file.

A lock on target/scratch makes builds of the same project take turns: the link (like dbt's
target/ folder) is the project's, not the build's."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import config


def stable_dbt_path() -> Path:
    return config.REPO_ROOT / "target" / "scratch" / "warehouse.duckdb"


def _clear(link: Path) -> None:
    """The link and what DuckDB keeps beside the path it opened: a WAL left by a crashed run must
    never be replayed onto the next build's database."""
    for leftover in (link, link.with_name(link.name + ".wal")):
        leftover.unlink(missing_ok=True)


@contextmanager
def dbt_database(scratch: Path) -> Iterator[Path]:
    """Point the stable path at `scratch` for the duration; yield the path to give dbt."""
    link = stable_dbt_path()
    link.parent.mkdir(parents=True, exist_ok=True)
    with (link.parent / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[build] waiting for another build of this project ({link.parent} is locked)", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        _clear(link)
        link.symlink_to(scratch.resolve())
        try:
            yield link
        finally:
            _clear(link)
