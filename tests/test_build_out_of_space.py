"""Out of disk space, or a folder the build may not write: one clear error, no traceback, and the
last release still served.

A full disk is played by a file-size limit (RLIMIT_FSIZE: writes past it fail with "File too
large", as they fail with "No space left on device" on a full disk). A read-only folder cannot be
played by chmod when the tests run as root (root writes anyway), so the build is handed the error
a read-only folder raises, where it first writes."""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config
from pipeline.build import publish
from pipeline.build.publish import Layout
from pipeline.build.run import BuildFailed, build_warehouse
from tests.releases import assert_readable, copy_of, snapshot

FILE_SIZE_LIMIT = 256 * 1024  # bytes: less than the sample's warehouse, more than any file before it


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_full_disk_stops_the_build_with_one_clear_error_and_keeps_the_release(
    published: Layout, small_sample: Path, tmp_path: Path
) -> None:
    layout = copy_of(published, tmp_path / "full")
    before = snapshot(layout)
    env = {
        **os.environ,
        "LIFECYCLE_EXPORTS_DIR": str(layout.exports_dir),
        "LIFECYCLE_ML_OUTPUT_DIR": str(layout.ml_dir),
    }
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--data",
        str(small_sample),
        "--warehouse",
        str(layout.warehouse),
    ]
    result = subprocess.run(
        command, env=env, cwd=config.REPO_ROOT, capture_output=True, text=True, preexec_fn=_limit_file_size
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: the build could not write its release next to {layout.warehouse}:" in result.stderr
    assert "File too large" in result.stderr and "the last good release is unchanged" in result.stderr
    assert snapshot(layout) == before
    assert_readable(layout)
    assert not layout.scratch.exists()


def test_a_read_only_folder_stops_the_build_with_one_clear_error_and_keeps_the_release(
    published: Layout, small_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = copy_of(published, tmp_path / "read-only")
    before = snapshot(layout)

    def read_only(layout: Layout) -> Path:
        raise PermissionError(errno.EROFS, os.strerror(errno.EROFS), str(layout.scratch))

    monkeypatch.setattr(publish, "fresh_scratch", read_only)
    with pytest.raises(BuildFailed, match=r"Read-only file system \(.*building\)\. Free some disk space or make"):
        build_warehouse(
            small_sample, warehouse=layout.warehouse, exports_dir=layout.exports_dir, ml_output_dir=layout.ml_dir
        )
    assert snapshot(layout) == before
    assert_readable(layout)
