"""One fixed path for dbt to build through, whichever warehouse is being built, so partial parsing works.

dbt keeps its parsed project (target/partial_parse.msgpack) only while the profile's connection
settings stay the same, and the DuckDB path is one of them. Builds of different warehouses (the
bench's cases, `make test`'s sample and real builds, a test's temporary warehouse) each made dbt parse
the whole project again: about 5 s of a 1x build. So dbt always opens `target/build/lifecycle.duckdb`,
a symlink the build points at its scratch database. DuckDB follows the link: the catalog name, the
write-ahead log and the lock are those of the scratch file (named `lifecycle.duckdb` in every release,
pipeline/build/publish.py), so nothing is left beside the link.

One build's dbt stage at a time uses the link: a second build waits for the first's dbt stage to end.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import config

LINK = config.REPO_ROOT / "target" / "build" / "lifecycle.duckdb"


@contextmanager
def linked(database: Path, link: Path = LINK) -> Iterator[Path]:
    """Point `link` at `database` while the caller runs dbt (holding the link's lock); yield the link.

    A database with another file name yields itself: through the link dbt would expect a catalog
    named after the link, and DuckDB names it after the file."""
    if database.name != link.name:
        yield database
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    with link.with_name(link.name + ".lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[build] waiting for another build's dbt stage to release {link}", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            partial = link.with_name(f".{link.name}.{os.getpid()}")
            partial.unlink(missing_ok=True)
            partial.symlink_to(database.absolute())
            partial.replace(link)
            yield link
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
