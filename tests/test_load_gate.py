"""The build starts dbt during the load; dbt's plugin waits at the gate until the load has finished
(pipeline/build/load_gate.py), and learns whether it did."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.build.load_gate import LoadGate, wait_for_load


@pytest.mark.parametrize("loaded", [True, False])
def test_dbt_waits_until_the_load_ends_and_learns_its_outcome(loaded: bool) -> None:
    gate = LoadGate()
    seen: list[tuple[bool, float]] = []
    waiter = threading.Thread(target=lambda: seen.append((wait_for_load(gate.path), time.monotonic())))
    waiter.start()
    time.sleep(0.3)
    assert not seen, "dbt must not pass the gate while the build is loading"
    released_at = time.monotonic()
    gate.release(loaded=loaded)
    waiter.join(timeout=5)
    assert seen and seen[0][0] is loaded and seen[0][1] >= released_at
    gate.remove()
    assert not gate.path.exists()

