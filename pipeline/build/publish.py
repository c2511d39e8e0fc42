"""Releases: every build writes one folder, and one symlink switch publishes all of it at once.

Layout, next to the warehouse file (here `warehouse/lifecycle.duckdb`):

    warehouse/lifecycle.releases/
        building/                  the build in progress
        20261126T131500Z-4242/     a finished build: lifecycle.duckdb, exports/, ml/
        current -> 20261126T131500Z-4242
    warehouse/lifecycle.duckdb -> lifecycle.releases/current/lifecycle.duckdb

Inside a release the database file is always `lifecycle.duckdb`, whatever the warehouse is called
(`warehouse/test/sample.duckdb -> sample.releases/current/lifecycle.duckdb`): DuckDB names the
catalog after the file, and one name everywhere lets dbt build every warehouse through one fixed
path (pipeline/build/dbt_link.py), so its partial parsing survives a change of warehouse.
    exports                    -> warehouse/lifecycle.releases/current/exports
    outputs/ml                 -> ../warehouse/lifecycle.releases/current/ml

The user-facing paths are stable symlinks through `current`, so renaming a new `current` over the
old one switches the warehouse, its ml scores, the exports and the dashboard in one atomic step. A
reader that opened the old warehouse keeps its file (and snapshot); the previous release stays on
disk until the next publish, older ones are deleted.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.build.kill_point import kill_point

RELEASES_SUFFIX = ".releases"
SCRATCH_NAME = "building"
CURRENT_NAME = "current"
EXPORTS_NAME = "exports"
ML_NAME = "ml"
DATABASE_NAME = "lifecycle.duckdb"
LOCK_NAME = "build.lock"
PARTIAL_LINK_SUFFIX = ".link"


class BuildInProgress(Exception):
    """Another build of the same warehouse holds the build lock."""


@dataclass(frozen=True)
class Layout:
    """Where one warehouse's releases live and the three user-facing paths that point into them."""

    warehouse: Path
    exports_dir: Path
    ml_dir: Path

    @property
    def root(self) -> Path:
        return self.warehouse.with_name(self.warehouse.stem + RELEASES_SUFFIX)

    @property
    def scratch(self) -> Path:
        return self.root / SCRATCH_NAME

    @property
    def current(self) -> Path:
        return self.root / CURRENT_NAME

    @staticmethod
    def database_in(release: Path) -> Path:
        return release / DATABASE_NAME

    @staticmethod
    def exports_in(release: Path) -> Path:
        return release / EXPORTS_NAME

    @staticmethod
    def ml_in(release: Path) -> Path:
        return release / ML_NAME

    def links(self) -> dict[Path, Path]:
        """User-facing path -> what it points at, through `current`."""
        return {
            self.warehouse: self.database_in(self.current),
            self.exports_dir: self.exports_in(self.current),
            self.ml_dir: self.ml_in(self.current),
        }


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def build_lock(layout: Layout, say: Callable[[str], None] = print) -> Iterator[None]:
    """One build per warehouse at a time: two builds would share the scratch folder. A second build
    is refused at once, with the first's PID and start time.

    The lock is an flock on `build.lock`, which the kernel releases when its holder dies, however
    it dies. While a build holds it the file names the build; a build that ends empties it. So a
    name found there by the next build is a build that was killed: it is said, and what the dead
    build left (its scratch release, half-made links) is cleared before this one starts."""
    layout.root.mkdir(parents=True, exist_ok=True)
    lock_path = layout.root / LOCK_NAME
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "PID unknown"
            raise BuildInProgress(
                f"another build of {layout.warehouse} is running ({holder}); "
                "this one stops without touching anything: build again once that one has finished"
            ) from None
        handle.seek(0)
        stale = handle.read().strip()
        if stale:
            say(f"a previous build ({stale}) stopped without finishing; cleared its stale lock and what it left")
            clear_leftovers(layout)
        handle.truncate(0)
        handle.write(f"PID {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def clear_leftovers(layout: Layout) -> None:
    """A killed build's scratch release and half-made links (a release it renamed but never made
    current is pruned by the next publish, as any release older than the previous one)."""
    _remove(layout.scratch)
    for link in (layout.current, *layout.links()):
        for partial in link.parent.glob(f".{link.name}.*{PARTIAL_LINK_SUFFIX}"):
            partial.unlink(missing_ok=True)


def fresh_scratch(layout: Layout) -> Path:
    """An empty scratch release with its exports/ and ml/ folders (a crashed build's leftovers go)."""
    _remove(layout.scratch)
    for folder in (layout.exports_in(layout.scratch), layout.ml_in(layout.scratch)):
        folder.mkdir(parents=True)
    return layout.scratch


def discard_scratch(layout: Layout) -> None:
    _remove(layout.scratch)


def _release_name() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}"


def _atomic_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` (relative, so the tree can move) by renaming a new link over it."""
    link.parent.mkdir(parents=True, exist_ok=True)
    partial = link.with_name(f".{link.name}.{os.getpid()}{PARTIAL_LINK_SUFFIX}")
    partial.unlink(missing_ok=True)
    partial.symlink_to(os.path.relpath(target, link.parent))
    partial.replace(link)


def _current_release(layout: Layout) -> Path | None:
    if not layout.current.is_symlink():
        return None
    return layout.current.resolve()


def _ensure_links(layout: Layout) -> list[str]:
    """Make each user-facing path a symlink through `current`; return notes on anything moved aside.

    Only the first publish (or one after someone replaced a link) has work here. A regular warehouse
    file from an older build is replaced by the link in one rename; a real folder cannot be renamed
    over, so it is moved aside to `<name>.before-releases` (kept: it may hold files of the user's).
    """
    notes = []
    for link, target in layout.links().items():
        wanted = os.path.relpath(target, link.parent)
        if link.is_symlink() and os.readlink(link) == wanted:
            continue
        if link.is_dir() and not link.is_symlink():
            aside = link.with_name(link.name + ".before-releases")
            _remove(aside)
            link.rename(aside)
            notes.append(f"moved the old folder {link} aside to {aside}")
        _atomic_symlink(link, target)
    return notes


def _prune(layout: Layout, keep: set[Path]) -> None:
    for entry in layout.root.iterdir():
        is_release = entry.is_dir() and not entry.is_symlink() and entry.name[:8].isdigit()
        if is_release and entry.resolve() not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def publish(layout: Layout) -> tuple[Path, list[str]]:
    """Turn the finished scratch release into `current` in one rename; keep the previous release."""
    previous = _current_release(layout)
    release = layout.root / _release_name()
    layout.scratch.rename(release)
    kill_point("publish-renamed")
    _atomic_symlink(layout.current, release)
    kill_point("publish-switched")
    notes = _ensure_links(layout)
    kill_point("publish-linked")
    _prune(layout, {release.resolve(), *([previous] if previous else [])})
    return release, notes
