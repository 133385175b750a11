"""The query files: queries/<name>.sql, read once per process (store/db.py and store/derived.py run them)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent.parent / "queries"


@cache
def sql_text(name: str) -> str:
    """The text of queries/<name>.sql."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")
