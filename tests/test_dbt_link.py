"""dbt builds every warehouse through one fixed path (pipeline/build/dbt_link.py): the path dbt sees stays the
same, so its partial parsing survives a change of warehouse, and DuckDB follows the link to the file."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from pipeline.build.dbt_link import linked
from pipeline.build.publish import Layout


def test_two_warehouses_are_built_through_the_same_path(tmp_path: Path) -> None:
    link = tmp_path / "target" / "build" / "lifecycle.duckdb"
    seen = []
    for name in ("sample", "real"):
        database = Layout.database_in(tmp_path / f"{name}.releases" / "building")
        database.parent.mkdir(parents=True)
        with linked(database, link) as path:
            seen.append(path)
            with duckdb.connect(str(path)) as con:
                con.execute(f"create table built_from as select '{name}' as warehouse")
                assert con.sql("select current_database()").fetchall() == [("lifecycle",)]
        with duckdb.connect(str(database), read_only=True) as con:
            assert con.sql("select warehouse from built_from").fetchall() == [(name,)]
        assert not link.with_name(link.name + ".wal").exists(), "the log stays beside the real file"
    assert seen == [link, link]


def test_a_database_of_another_name_is_used_directly(tmp_path: Path) -> None:
    database = tmp_path / "other.duckdb"
    with linked(database, tmp_path / "lifecycle.duckdb") as path:
        assert path == database


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    link = tmp_path / "lifecycle.duckdb"
    first, second = tmp_path / "a" / "lifecycle.duckdb", tmp_path / "b" / "lifecycle.duckdb"
    order = []
    with linked(first, link):
        waiter = threading.Thread(target=lambda: _use(second, link, order))
        waiter.start()
        waiter.join(timeout=0.5)
        assert waiter.is_alive(), "the second build must wait while the first holds the link"
        order.append(("first", link.resolve()))
    waiter.join(timeout=5)
    assert order == [("first", first), ("second", second)]


def _use(database: Path, link: Path, order: list) -> None:
    with linked(database, link):
        order.append(("second", link.resolve()))
