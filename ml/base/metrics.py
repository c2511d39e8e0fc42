"""metrics.json: one section per mode, each refreshed by its own mode only."""

from __future__ import annotations

import json
from pathlib import Path

from ml.base.log import log

METRICS_FILE = "metrics.json"


def update_section(out_dir: Path, section: str, fingerprint: str, content: dict) -> Path:
    """Merge `content` into metrics.json's `section`, leaving the other modes' sections as they are.

    A section is merged only with figures about the same data: when it describes other data (another
    `data.fingerprint_sha256`) it is started afresh, never mixed. The file is written under a
    temporary name and renamed, so a reader never sees half of it.
    """
    path = out_dir / METRICS_FILE
    whole = json.loads(path.read_text()) if path.is_file() else {}
    current = whole.get(section, {})
    previous = current.get("data", {}).get("fingerprint_sha256")
    if previous != fingerprint:
        if current:
            log(f"note: the {section} section of {path.name} described other data; starting it afresh")
        current = {}
    whole[section] = {**current, **content}
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(whole, indent=2, default=float) + "\n")
    partial.replace(path)
    return path
