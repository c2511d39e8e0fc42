"""Read a user's transaction file, whatever its format, into the warehouse's raw table."""

from pipeline.ingest.errors import InputDataError
from pipeline.ingest.load import LoadSummary, load_raw_lines

__all__ = ["InputDataError", "LoadSummary", "load_raw_lines"]
