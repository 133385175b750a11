"""Import step 1, reading: find the batch's files, read each as text and match it to its table.

A file that cannot be read, or whose name or header does not fit the contract, becomes a
`Problem` (file, row, column, value, rule); nothing here touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard.core.contract import TABLES_BY_NAME, Table, normalize_header, table_for_file

DATA_SUFFIXES = (".csv", ".xlsx", ".parquet", ".qdpx")  # a .qdpx is read by import_qdpx


@dataclass
class Problem:
    """One broken rule: where it is and what is wrong."""

    file: str
    row: int | None
    column: str
    value: str
    rule: str


@dataclass
class Incoming:
    """One file of the batch, matched to its contract table and read as text on demand.

    `source` yields the contract columns, all String, plus `_row` (the spreadsheet row number);
    a CSV is scanned from disk in chunks (`batches`), so a large file is never held whole.
    """

    file: str
    table: Table
    source: pl.LazyFrame
    checksum: str

    @property
    def frame(self) -> pl.DataFrame:
        """Every row at once (for small files and the upload check)."""
        return self.source.collect()

    def batches(self, rows: int):
        """The rows in chunks of about `rows` rows, in file order."""
        return self.source.collect_batches(chunk_size=rows, maintain_order=True)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the data files (and coded projects) inside any folder named."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in DATA_SUFFIXES))
        else:
            out.append(p)
    return out


def _read_raw(path: Path) -> pl.LazyFrame:
    """The file's rows with every column as text (a CSV is scanned lazily, a UTF-8 BOM skipped)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pl.scan_csv(path, infer_schema=False, truncate_ragged_lines=False)
    if suffix == ".xlsx":
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        return frame.select(pl.all().cast(pl.String)).lazy()
    if suffix == ".parquet":
        frame = pl.read_parquet(path)
        return frame.select(pl.all().cast(pl.String)).lazy()
    raise ValueError(f"unsupported file type {suffix!r} (use .csv, .xlsx or .parquet)")


def read_file(path: Path, notices: list[str], problems: list[Problem], name: str = "") -> Incoming | None:
    """Read one file and match its headers to the contract; record what is wrong."""
    name = name or path.name
    table = table_for_file(Path(name).stem)
    if table is None:
        known = ", ".join(n for n, t in TABLES_BY_NAME.items() if not t.from_projects)
        problems.append(Problem(name, None, "", Path(name).stem, f"file name matches no table ({known})"))
        return None
    if table.from_projects:
        rule = f"{table.name} are filled only from coded REFI-QDA projects: load the .qdpx file"
        problems.append(Problem(name, None, "", Path(name).stem, rule))
        return None
    try:
        raw = _read_raw(path)
        names = raw.collect_schema().names()  # the header is read (and checked) now, the rows later
        with path.open("rb") as fh:
            checksum = hashlib.file_digest(fh, "sha256").hexdigest()
    except Exception as exc:  # a file we cannot parse is a problem to report, not a crash
        problems.append(Problem(name, None, "", "", f"cannot be read: {exc}".splitlines()[0][:300]))
        return None
    headers = [normalize_header(h) for h in names]
    unique = [f"{h}\x00{i}" for i, h in enumerate(headers)]  # unique while we sort them out
    raw = raw.rename(dict(zip(names, unique, strict=True)))
    seen: dict[str, str] = {}
    for original, h in zip(unique, headers, strict=True):
        if h in seen:
            problems.append(Problem(name, 1, h, h, "column appears twice in the header"))
        elif h in table.column_names:
            seen[h] = original
        else:
            notices.append(f"{name}: column {h!r} is not in the contract and was ignored")
    cols = []
    for col in table.columns:
        if col.name in seen:
            cols.append(pl.col(seen[col.name]).alias(col.name))
        elif col.required:
            problems.append(Problem(name, 1, col.name, "", "required column is missing"))
        else:
            cols.append(pl.lit(None, pl.String).alias(col.name))
    if any(p.file == name and p.row == 1 for p in problems):
        return None
    source = raw.select(cols).with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    return Incoming(name, table, source, checksum)
