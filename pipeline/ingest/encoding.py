"""Pick the text encoding of a CSV file.

The common download of this data set is ISO-8859-1 (the pound sign as the single byte 0xA3), so a
file that is not valid UTF-8 is read as latin-1 -- but only when it looks like latin-1 text. UTF-16
or binary files would "decode" as latin-1 into garbage, so those are refused instead."""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.ingest.errors import InputDataError

_CHUNK_BYTES = 16 * 1024 * 1024
# C0 controls other than tab, LF, CR never occur in text exports; NUL marks UTF-16 or binary.
_FORBIDDEN_BYTES = frozenset(set(range(0x00, 0x20)) - {0x09, 0x0A, 0x0D}) | {0x7F}
# Deleting every allowed byte from a chunk leaves only the forbidden ones, at C speed.
_ALLOWED_BYTES = bytes(b for b in range(256) if b not in _FORBIDDEN_BYTES)


def _line_of(path: Path, byte_offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(byte_offset).count(b"\n") + 1


def detect_encoding(path: Path) -> str:
    """Return 'utf-8' or 'latin-1' (the spelling DuckDB's CSV reader accepts)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    is_utf8 = True
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            forbidden = chunk.translate(None, _ALLOWED_BYTES)
            if forbidden:
                bad = chunk.index(forbidden[:1])
                at = offset + bad
                raise InputDataError(
                    path,
                    f"cannot decode the file as UTF-8 or ISO-8859-1 text: control byte 0x{chunk[bad]:02x} "
                    f"at byte {at} (UTF-16 or a binary file?); export it as UTF-8 CSV",
                    location=f"line {_line_of(path, at)}",
                )
            if is_utf8:
                try:
                    decoder.decode(chunk, final=False)
                except UnicodeDecodeError:
                    is_utf8 = False
            offset += len(chunk)
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    return "utf-8" if is_utf8 else "latin-1"
