"""What data is loaded: row counts per table and the last import, for the Home page."""

from __future__ import annotations

import polars as pl


def data_summary(store) -> pl.DataFrame:
    """Rows per contract table."""
    return store.query("table_counts")


def last_import(store) -> dict | None:
    """The most recent import record, or None when nothing was imported."""
    history = store.query("import_history")
    return history.row(0, named=True) if history.height else None
