"""The bundled sample dataset: where it is and whether a database holds only it."""

from __future__ import annotations

from functools import lru_cache

from dashboard.ingest.importer import batch_checksum, expand_paths
from dashboard.store.db import SAMPLE_DIR


@lru_cache(maxsize=1)
def sample_checksum() -> str:
    """The import checksum of the committed sample_data files."""
    return batch_checksum(expand_paths([SAMPLE_DIR]))


def is_sample_database(store) -> bool:
    """True when every import into the database was the bundled sample data, unchanged."""
    history = store.query("import_history")
    return history.height > 0 and set(history["checksum"]) == {sample_checksum()}
