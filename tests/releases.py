"""What the release tests share: a copy of a published release to break, a snapshot of everything a
reader sees, and a comparison of two releases that ignores only the stated time fields
(docs/reliability.md)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb

from pipeline.build.publish import Layout, fresh_scratch, publish

# Columns that say when something ran, not what it found: the only ones two builds of one file differ in.
TIME_COLUMNS = {"loaded_at", "scored_at"}
# Files holding such a field, compared with it left out; run.log is a log of durations, not compared.
MODEL_CARDS = {"churn_pipeline.json", "forward_churn_model.json"}
NOT_COMPARED = {"run.log"}
DASHBOARD_BUILT = re.compile(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(layout: Layout) -> dict[str, str]:
    """Every file a reader can see, by content, and where the user-facing paths point."""
    seen = {"warehouse": digest(layout.warehouse), "current": str(layout.current.resolve())}
    for folder in (layout.exports_dir, layout.ml_dir):
        seen |= {f"{folder.name}/{p.name}": digest(p) for p in sorted(folder.iterdir()) if p.is_file()}
    return seen


def assert_readable(layout: Layout, with_ml: bool = True) -> None:
    """The served release opens: the warehouse answers a query, the exports and metrics parse."""
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.customer_rfm").fetchone()[0] > 0
        assert con.execute("select count(*) from read_csv_auto(?)", [str(layout.exports_dir / "rfm_for_tableau.csv")])
    if with_ml:
        json.loads((layout.ml_dir / "metrics.json").read_text())


def copy_of(published: Layout, work: Path) -> Layout:
    """A published release of its own (a copy of the shared one's warehouse, exports and ml outputs),
    so breaking or rebuilding it disturbs no other test."""
    layout = Layout(work / "lifecycle.duckdb", work / "exports", work / "ml")
    scratch = fresh_scratch(layout)
    source = published.current.resolve()
    shutil.copyfile(published.database_in(source), layout.database_in(scratch))
    for name in ("exports", "ml"):
        shutil.copytree(source / name, scratch / name, dirs_exist_ok=True)
    publish(layout)
    return layout


def fake_scratch(layout: Layout, label: str) -> None:
    """A scratch release whose three files hold `label`: enough for the publish switch."""
    scratch = fresh_scratch(layout)
    layout.database_in(scratch).write_text(label)
    (layout.exports_in(scratch) / "rfm_for_tableau.csv").write_text(label)
    (layout.ml_in(scratch) / "metrics.json").write_text(label)


def served(layout: Layout) -> list[str]:
    """What the three user-facing paths of a fake release hold."""
    files = (layout.warehouse, layout.exports_dir / "rfm_for_tableau.csv", layout.ml_dir / "metrics.json")
    return [path.read_text() for path in files]


def table_digests(warehouse: Path) -> dict[str, str]:
    """Every table's rows in a total order (all columns), hashed, the time columns left out."""
    digests = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by all"
        ).fetchall()
        for schema, table in tables:
            columns = [row[0] for row in con.execute(f'describe "{schema}"."{table}"').fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in TIME_COLUMNS)
            rows = con.execute(f'select {kept} from "{schema}"."{table}" order by all').fetchall()
            digests[f"{schema}.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def _reader(path: Path) -> str:
    return "read_parquet(?)" if path.suffix == ".parquet" else "read_csv(?, header = true)"


def _file_content(path: Path) -> str:
    """The file's bytes, or what is left of it without its stated time field."""
    if path.suffix in {".csv", ".parquet"}:
        with duckdb.connect() as con:
            columns = [row[0] for row in con.execute("describe select * from " + _reader(path), [str(path)]).fetchall()]
            if TIME_COLUMNS & set(columns):
                kept = ", ".join(f'"{c}"' for c in columns if c not in TIME_COLUMNS)
                rows = con.execute(f"select {kept} from {_reader(path)}", [str(path)]).fetchall()
                return "rows without time columns:" + hashlib.sha256(repr(rows).encode()).hexdigest()
    if path.name in MODEL_CARDS:
        card = json.loads(path.read_text())
        card.pop("trained_at", None)
        return json.dumps(card, sort_keys=True)
    if path.suffix == ".html":
        return DASHBOARD_BUILT.sub("Built <time>", path.read_text(encoding="utf-8"))
    return digest(path)


def release_differences(first: Layout, second: Layout) -> list[str]:
    """Tables and files that differ between two releases beyond their stated time fields."""
    tables = (table_digests(first.warehouse), table_digests(second.warehouse))
    names = sorted(tables[0].keys() | tables[1].keys())
    differing = [name for name in names if tables[0].get(name) != tables[1].get(name)]
    for folder in ("exports_dir", "ml_dir"):
        names = {p.name for layout in (first, second) for p in getattr(layout, folder).iterdir() if p.is_file()}
        for name in sorted(names - NOT_COMPARED):
            paths = [getattr(layout, folder) / name for layout in (first, second)]
            if not all(p.exists() for p in paths) or _file_content(paths[0]) != _file_content(paths[1]):
                differing.append(f"{folder}/{name}")
    return differing


def byte_identical_files(first: Layout, second: Layout) -> list[str]:
    """The files of the exports and ml folders whose bytes are the same in both releases."""
    names = sorted(p.name for p in first.exports_dir.iterdir() if p.is_file())
    same = [f"exports/{n}" for n in names if digest(first.exports_dir / n) == digest(second.exports_dir / n)]
    names = sorted(p.name for p in first.ml_dir.iterdir() if p.is_file())
    return same + [f"ml/{n}" for n in names if digest(first.ml_dir / n) == digest(second.ml_dir / n)]
