"""A build killed with SIGKILL at any stage leaves the last release served whole and readable, leaves
no process of its own behind, and the next build recognises its stale lock, clears what it left and
succeeds; that final build is a rerun of the shared release's file, identical to it but for the
stated time fields (docs/reliability.md).

One chain of builds, each killed at a later point than the one before, so that every build starts
on what a killed one left at the stage before: the lock, the fresh scratch release, the load, dbt
(a table model, a data test), the ml step (once its first mode wrote its tables), the deliverables. The points come from
the build's test hook (LIFECYCLE_KILL_AT) or from a line dbt or the ml step prints (`--verbose`).
The three points inside the publish switch are killed on fake releases: it is the same code, and a
whole build to reach each would cost minutes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline import config
from pipeline.build.kill_point import KILL_AT_ENV
from pipeline.build.publish import Layout
from tests.releases import (
    assert_readable,
    byte_identical_files,
    copy_of,
    fake_scratch,
    release_differences,
    served,
    snapshot,
)

STALE_LOCK = "stopped without finishing; cleared its stale lock"


@dataclass(frozen=True)
class KillPoint:
    stage: str
    hook: str | None = None  # a LIFECYCLE_KILL_AT point
    line: str | None = None  # or a regular expression: killed when a printed line matches
    run_ml: bool = True  # the deliverables' point needs no ml step before it (half a minute)


CHAIN = (
    KillPoint("lock", hook="locked"),
    KillPoint("scratch", hook="scratch"),
    KillPoint("load", hook="load"),
    KillPoint("dbt models", line=r"START sql table model "),
    KillPoint("dbt tests", line=r"START test "),
    KillPoint("ml step", line=r"^\[ml\] seed mode"),
    KillPoint("deliverables", hook="deliverables", run_ml=False),
)


def _build_command(layout: Layout, data: Path, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--data",
        str(data),
        "--warehouse",
        str(layout.warehouse),
        *options,
    ]


def _environment(layout: Layout, hook: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "LIFECYCLE_EXPORTS_DIR": str(layout.exports_dir),
        "LIFECYCLE_ML_OUTPUT_DIR": str(layout.ml_dir),
    }
    env.pop(KILL_AT_ENV, None)
    return env | ({KILL_AT_ENV: hook} if hook else {})


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (dbt, the ml step), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_build(layout: Layout, data: Path, point: KillPoint) -> tuple[str, list[int]]:
    """Run a build, SIGKILL it at `point`; return what it printed and its children at the kill."""
    build = subprocess.Popen(
        _build_command(layout, data, "--verbose", *([] if point.run_ml else ["--no-ml"])),
        env=_environment(layout, point.hook),
        cwd=config.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed, children = [], []
    for line in build.stdout:
        printed.append(line)
        if point.line and re.search(point.line, line):
            children = _children(build.pid)
            build.send_signal(signal.SIGKILL)
            break
    build.wait(timeout=120)
    printed.append(build.stdout.read())
    build.stdout.close()
    assert build.returncode == -signal.SIGKILL, f"not killed at {point.stage}:\n{''.join(printed)[-3000:]}"
    return "".join(printed), children


def test_a_build_killed_at_any_stage_leaves_the_last_release_and_the_next_build_succeeds(
    published: Layout, small_sample: Path, tmp_path: Path
) -> None:
    layout = copy_of(published, tmp_path / "killed")
    before = snapshot(layout)
    outcomes = []
    for point in CHAIN:
        started = time.monotonic()
        printed, children = kill_build(layout, small_sample, point)
        deadline = time.monotonic() + 10
        while any(_alive(child) for child in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [c for c in children if _alive(c)], f"{point.stage}: the build's children outlived it"
        assert snapshot(layout) == before, f"{point.stage}: the served release changed"
        assert_readable(layout)
        if point is not CHAIN[0]:
            assert STALE_LOCK in printed, f"{point.stage}: the previous kill's stale lock was not reported"
        outcomes.append(f"{point.stage}: killed after {time.monotonic() - started:.1f} s, last release served")
    finished = subprocess.run(
        _build_command(layout, small_sample),
        env=_environment(layout),
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert STALE_LOCK in finished.stdout
    assert snapshot(layout)["current"] != before["current"]
    assert_readable(layout)
    assert not layout.scratch.exists()
    assert not list(layout.root.glob("*/lifecycle-load-gate-*"))
    # The rerun of the shared release's file: every table and file the same but for the time fields.
    assert release_differences(published, layout) == []
    identical = byte_identical_files(published, layout)
    assert "exports/rfm_for_tableau.csv" in identical and "ml/metrics.json" in identical
    assert len(outcomes) == len(CHAIN)
    print("\n".join(outcomes))


PUBLISH_KILLER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipeline.build.publish import Layout, build_lock, publish
    root = Path(sys.argv[1])
    layout = Layout(root / "w.duckdb", root / "exports", root / "ml")
    with build_lock(layout):
        publish(layout)
    """
)


@pytest.mark.parametrize(
    ("hook", "kept"),
    [("publish-renamed", "old"), ("publish-switched", "new"), ("publish-linked", "new")],
)
def test_killed_inside_the_publish_switch_a_whole_release_is_served(tmp_path: Path, hook: str, kept: str) -> None:
    from pipeline.build.publish import build_lock, publish

    layout = Layout(tmp_path / "w.duckdb", tmp_path / "exports", tmp_path / "ml")
    fake_scratch(layout, "old")
    publish(layout)
    fake_scratch(layout, "new")
    killed = subprocess.run(
        [sys.executable, "-c", PUBLISH_KILLER, str(tmp_path)],
        env={**os.environ, KILL_AT_ENV: hook},
        cwd=config.REPO_ROOT,
    )
    assert killed.returncode == -signal.SIGKILL
    assert served(layout) == [kept] * 3
    said: list[str] = []
    with build_lock(layout, say=said.append):  # the next build
        fake_scratch(layout, "next")
        publish(layout)
    assert served(layout) == ["next"] * 3
    assert any(STALE_LOCK in line for line in said)
    releases = [p for p in layout.root.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(releases) == 2, "a release renamed but never served is pruned by the next publish"
