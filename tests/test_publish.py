"""The publish switch: user-facing paths are symlinks through one `current` link, the previous
release is kept until the next publish, and a reader keeps its snapshot through a whole build."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipeline.build.publish import Layout, publish
from pipeline.build.run import build_warehouse
from tests.releases import copy_of, fake_scratch, served

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "select sha256, (select count(*) from raw.transaction_lines) from raw.load_metadata"
    for _ in sys.stdin:
        print(*con.execute(query).fetchall()[0], flush=True)
    """
)


def test_publish_switches_all_paths_at_once_and_keeps_one_previous_release(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "warehouse" / "w.duckdb", tmp_path / "exports", tmp_path / "outputs" / "ml")
    releases = []
    for label in ("first", "second", "third"):
        fake_scratch(layout, label)
        releases.append(publish(layout)[0])
        assert served(layout) == [label] * 3
    assert not releases[0].exists()
    assert releases[1].exists() and releases[2].exists()
    # Relative links: the whole tree can be moved.
    assert not os.readlink(layout.exports_dir).startswith("/")


def test_first_publish_takes_over_an_old_style_warehouse_file_and_exports_folder(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "warehouse" / "w.duckdb", tmp_path / "exports", tmp_path / "outputs" / "ml")
    layout.warehouse.parent.mkdir(parents=True)
    layout.warehouse.write_text("old warehouse")
    layout.exports_dir.mkdir()
    (layout.exports_dir / "mine.txt").write_text("a file of the user's")
    fake_scratch(layout, "new")
    _, notes = publish(layout)
    assert served(layout) == ["new"] * 3
    assert (tmp_path / "exports.before-releases" / "mine.txt").read_text() == "a file of the user's"
    assert notes and "exports.before-releases" in notes[0]


def test_a_reader_keeps_its_snapshot_through_a_whole_build(published: Layout, tmp_path: Path) -> None:
    from pipeline.sample import write_sample

    published = copy_of(published, tmp_path / "copy")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        reader.stdin.write("\n")
        reader.stdin.flush()
        before = reader.stdout.readline().split()
        other = write_sample(tmp_path / "other.parquet", scale=0.04, seed=11)
        build_warehouse(
            data=other,
            warehouse=published.warehouse,
            exports_dir=published.exports_dir,
            ml_output_dir=published.ml_dir,
            run_ml=False,
        )
        reader.stdin.write("\n")
        reader.stdin.flush()
        during = reader.stdout.readline().split()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert during == before, "the reader's connection must keep the release it opened"
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        now = [str(v) for v in con.execute("select sha256, raw_lines from raw.load_metadata").fetchall()[0]]
    assert now != before and now[1] != before[1]
