"""Import a batch of exported files: read, check the whole batch, then write it in one transaction.

A batch is refused whole if any row breaks a rule; the report names the file, the row number as
a spreadsheet shows it (the header is row 1), the column, the value and the rule. A good batch is
upserted by key inside one explicit transaction, so re-importing the same rows changes nothing
and a failure part-way leaves the database as it was. App-owned tables are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from dashboard import db
from dashboard.contract import LOAD_ORDER, TABLES_BY_NAME, Table, normalize_header, table_for_file

DATA_SUFFIXES = (".csv", ".xlsx", ".parquet")
REPORT_CAP = 200  # problems listed in full; the rest are counted


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
    """One file of the batch, read as text and matched to its contract table."""

    file: str
    table: Table
    frame: pl.DataFrame  # contract columns, all String, plus `_row` (spreadsheet row number)
    checksum: str


@dataclass
class ImportReport:
    """What an import found and did."""

    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notices: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when the batch broke no rule."""
        return self.problem_count == 0

    def problems_frame(self) -> pl.DataFrame:
        """The listed problems as a table."""
        schema = {
            "file": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "rule": pl.String,
        }
        return pl.DataFrame([p.__dict__ for p in self.problems], schema=schema)

    def counts_frame(self) -> pl.DataFrame:
        """Inserted / updated / unchanged per table."""
        rows = [{"table": t, **c} for t, c in self.counts.items()]
        schema = {"table": pl.String, "inserted": pl.Int64, "updated": pl.Int64, "unchanged": pl.Int64}
        return pl.DataFrame(rows, schema=schema)

    def text(self) -> str:
        """The report as plain text for the command line."""
        lines = [f"notice: {n}" for n in self.notices]
        if not self.ok:
            lines.append(f"Refused: {self.problem_count} problem(s); nothing was written.")
            for p in self.problems:
                row = "header" if p.row == 1 else (f"row {p.row}" if p.row else "-")
                lines.append(f"  {p.file}, {row}, column {p.column or '-'}: {p.value!r} — {p.rule}")
            if self.problem_count > len(self.problems):
                lines.append(f"  … and {self.problem_count - len(self.problems)} more problem(s)")
            return "\n".join(lines)
        lines.append("Imported." if self.written else "Checked: no problems.")
        for t, c in self.counts.items():
            lines.append(
                f"  {t}: {c['inserted']} inserted, {c['updated']} updated, {c['unchanged']} unchanged"
            )
        return "\n".join(lines)


# --- reading ------------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the data files inside any folder named."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in DATA_SUFFIXES))
        else:
            out.append(p)
    return out


def _read_raw(path: Path, data: bytes) -> pl.DataFrame:
    """The file's rows with every column as text."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return pl.read_csv(data, infer_schema=False, truncate_ragged_lines=False)
    if suffix == ".xlsx":
        frame = pl.read_excel(data, engine="calamine", infer_schema_length=0)
        return frame.select(pl.all().cast(pl.String))
    if suffix == ".parquet":
        frame = pl.read_parquet(data)
        return frame.select(pl.all().cast(pl.String))
    raise ValueError(f"unsupported file type {suffix!r} (use .csv, .xlsx or .parquet)")


def read_file(path: Path, notices: list[str], problems: list[Problem], name: str = "") -> Incoming | None:
    """Read one file and match its headers to the contract; record what is wrong."""
    name = name or path.name
    table = table_for_file(Path(name).stem)
    if table is None:
        known = ", ".join(TABLES_BY_NAME)
        problems.append(Problem(name, None, "", Path(name).stem, f"file name matches no table ({known})"))
        return None
    try:
        data = path.read_bytes()
        raw = _read_raw(path, data)
    except Exception as exc:  # a file we cannot parse is a problem to report, not a crash
        problems.append(Problem(name, None, "", "", f"cannot be read: {exc}".splitlines()[0][:300]))
        return None
    headers = [normalize_header(h) for h in raw.columns]
    raw.columns = [f"{h}\x00{i}" for i, h in enumerate(headers)]  # unique while we sort them out
    seen: dict[str, str] = {}
    for original, h in zip(raw.columns, headers, strict=True):
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
    frame = raw.select(cols).with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    return Incoming(name, table, frame, hashlib.sha256(data).hexdigest())


# --- checking -----------------------------------------------------------------------------

_DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[T ]00:00:00(?:\.0+)?)?$"


def _clean(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Trim text, turn blanks into nulls, lowercase coded columns."""
    exprs = []
    for col in table.columns:
        e = pl.col(col.name).str.strip_chars()
        if col.allowed:
            e = e.str.to_lowercase()
        exprs.append(pl.when(e == "").then(None).otherwise(e).alias(col.name))
    return frame.with_columns(exprs)


def _typed(table: Table) -> list[pl.Expr]:
    """Expressions that convert each text column to its contract type (null where invalid)."""
    exprs = []
    for col in table.columns:
        e = pl.col(col.name)
        if col.type == "int":
            f = e.cast(pl.Float64, strict=False)
            e = pl.when(f == f.round(0)).then(f).otherwise(None).cast(pl.Int64)
        elif col.type == "float":
            e = e.cast(pl.Float64, strict=False)
        elif col.type == "date":
            e = (
                pl.when(e.str.contains(_DATE_RE))
                .then(e.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False))
                .otherwise(None)
            )
        exprs.append(e.alias(col.name))
    return exprs


def _flag(frame: pl.DataFrame, mask: pl.Expr, column: str, rule: str, file: str) -> pl.DataFrame:
    """The rows where `mask` holds, as problem rows for `column`."""
    return frame.filter(mask).select(
        pl.lit(file).alias("file"),
        pl.col("_row").alias("row"),
        pl.lit(column).alias("column"),
        pl.col(column).cast(pl.String).fill_null("").alias("value"),
        pl.lit(rule).alias("rule"),
    )


def _row_checks(inc: Incoming, text: pl.DataFrame, typed: pl.DataFrame) -> list[pl.DataFrame]:
    """Problems found by looking at each row alone: blanks, types, codes, ranges."""
    found = []
    table, f = inc.table, inc.file
    both = text.with_columns(typed.select(pl.all().name.suffix("__t")).get_columns())
    for col in table.columns:
        c, t = pl.col(col.name), pl.col(f"{col.name}__t")
        if col.required:
            found.append(_flag(both, c.is_null(), col.name, "required value is blank", f))
        kind = {"int": "a whole number", "float": "a number", "date": "a date as YYYY-MM-DD"}
        if col.type in kind:
            found.append(_flag(both, c.is_not_null() & t.is_null(), col.name, f"is not {kind[col.type]}", f))
        if col.allowed:
            rule = "is not one of: " + ", ".join(col.allowed)
            found.append(_flag(both, c.is_not_null() & ~c.is_in(col.allowed), col.name, rule, f))
        if col.min is not None:
            lo, hi = col.min, col.max
            rng = f"is outside {lo:g}–{hi:g}" if hi is not None else f"is below {lo:g}"
            bad = t < lo if hi is None else (t < lo) | (t > hi)
            found.append(_flag(both, t.is_not_null() & bad, col.name, rng, f))
    return found


def _key_checks(inc: Incoming, typed: pl.DataFrame) -> list[pl.DataFrame]:
    """Problems with keys: the same key on two rows of the file."""
    key = list(inc.table.key)
    dup = typed.filter(pl.all_horizontal(pl.col(key).is_not_null()) & pl.struct(key).is_duplicated())
    if dup.is_empty():
        return []
    first = dup.group_by(key).agg(pl.col("_row").min().alias("_first"))
    dup = dup.join(first, on=key).filter(pl.col("_row") != pl.col("_first"))
    label = key[0] if len(key) == 1 else "+".join(key)
    shown = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=", ")
    return [
        dup.select(
            pl.lit(inc.file).alias("file"),
            pl.col("_row").alias("row"),
            pl.lit(label).alias("column"),
            shown.alias("value"),
            pl.format("duplicate key: the same key is on row {}", pl.col("_first")).alias("rule"),
        )
    ]


def _extra_checks(inc: Incoming, typed: pl.DataFrame, subthemes: pl.DataFrame) -> list[pl.DataFrame]:
    """Rules that relate two columns of a row."""
    f, name = inc.file, inc.table.name
    found = []
    date_pairs = {
        "applications": ("applied_on", "status_on"),
        "cohorts": ("starts_on", "ends_on"),
        "enrollments": ("enrolled_on", "left_on"),
        "staff": ("hired_on", "left_on"),
    }
    if name in date_pairs:
        start, end = date_pairs[name]
        found.append(_flag(typed, pl.col(end) < pl.col(start), end, f"is before {start}", f))
    if name == "interviews":
        hiring = pl.col("purpose") == "hiring"
        app = pl.col("application_id").is_not_null()
        found.append(_flag(typed, hiring & ~app, "application_id", "is required when purpose is hiring", f))
        found.append(
            _flag(
                typed,
                pl.col("purpose").is_not_null() & ~hiring & app,
                "application_id",
                "must be blank unless purpose is hiring",
                f,
            )
        )
    if name == "excerpts":
        own = typed.join(
            subthemes.rename({"code": "subtheme", "theme": "_sub_theme"}), on="subtheme", how="left"
        )
        bad = pl.col("_sub_theme").is_not_null() & (pl.col("_sub_theme") != pl.col("theme"))
        found.append(_flag(own, bad, "subtheme", "belongs to another theme", f))
    if name == "peer_nominations":
        found.append(
            _flag(
                typed,
                pl.col("nominator_id") == pl.col("nominee_id"),
                "nominee_id",
                "a person cannot nominate themselves",
                f,
            )
        )
    return found


def _known_keys(
    con: duckdb.DuckDBPyConnection, batch: dict[str, pl.DataFrame], table: str, column: str
) -> pl.Series:
    """Values of table.column in the database and in the batch."""
    # table and column come from the contract (an allow-list), never from input
    stmt = f"select distinct {column} as v from {table}"  # noqa: S608
    existing = con.cursor().sql(stmt).pl()["v"].cast(pl.String)
    if table in batch:
        existing = pl.concat([existing, batch[table][column].cast(pl.String)])
    return existing.drop_nulls().unique()


def _reference_checks(inc: Incoming, typed: pl.DataFrame, known) -> list[pl.DataFrame]:
    """Problems with references: a value that names no row in the referenced table."""
    found = []
    for col in inc.table.columns:
        if col.ref is None:
            continue
        values = known(*col.ref)
        bad = pl.col(col.name).is_not_null() & ~pl.col(col.name).cast(pl.String).is_in(values.implode())
        found.append(_flag(typed, bad, col.name, f"refers to no {col.ref[0]}.{col.ref[1]}", inc.file))
    return found


def check_batch(
    con: duckdb.DuckDBPyConnection, incoming: list[Incoming]
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Every problem in the batch, and each table's rows converted to contract types."""
    found: list[pl.DataFrame] = []
    typed_by_table: dict[str, pl.DataFrame] = {}
    for inc in incoming:
        text = _clean(inc.frame, inc.table)
        typed = text.select(pl.col("_row"), *_typed(inc.table))
        typed_by_table[inc.table.name] = typed
        found += _row_checks(inc, text, typed)
        found += _key_checks(inc, typed)
    cache: dict[tuple[str, str], pl.Series] = {}

    def known(table: str, column: str) -> pl.Series:
        if (table, column) not in cache:
            cache[(table, column)] = _known_keys(con, typed_by_table, table, column)
        return cache[(table, column)]

    subthemes = con.cursor().sql("select code, theme from subthemes").pl()
    if "subthemes" in typed_by_table:
        subthemes = pl.concat([subthemes, typed_by_table["subthemes"].select("code", "theme")]).unique(
            "code", keep="last"
        )
    for inc in incoming:
        typed = typed_by_table[inc.table.name]
        found += _extra_checks(inc, typed, subthemes)
        found += _reference_checks(inc, typed, known)
    schema = {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "rule": pl.String}
    problems = pl.concat([f.cast(schema) for f in found]) if found else pl.DataFrame(schema=schema)
    return problems.unique(maintain_order=True), {k: v.drop("_row") for k, v in typed_by_table.items()}


# --- writing ------------------------------------------------------------------------------


def _upsert(con: duckdb.DuckDBPyConnection, table: Table, frame: pl.DataFrame) -> dict[str, int]:
    """Insert new keys and update changed rows of one table; return the counts."""
    # Identifiers below come from the contract (an allow-list); values are bound via the frame.
    con.register("incoming", frame.to_arrow())
    key = list(table.key)
    others = [c for c in table.column_names if c not in key]
    on = " and ".join(f"i.{k} = t.{k}" for k in key)
    differs = " or ".join(f"i.{c} is distinct from t.{c}" for c in others) or "false"
    counts_sql = (
        f"create or replace temp table incoming_state as "  # noqa: S608 - contract identifiers
        f"select i.*, case when t.{key[0]} is null then 'inserted' "
        f"when {differs} then 'updated' else 'unchanged' end as _state "
        f"from incoming i left join {table.name} t on {on}"
    )
    con.execute(counts_sql)
    cols = ", ".join(table.column_names)
    sets = ", ".join(f"{c} = excluded.{c}" for c in others)
    upsert_sql = (
        f"insert into {table.name} ({cols}) select {cols} from incoming_state "  # noqa: S608
        f"where _state <> 'unchanged' on conflict ({', '.join(key)}) do update set {sets}"
    )
    con.execute(upsert_sql)
    rows = con.execute("select _state, count(*) from incoming_state group by _state").fetchall()
    con.execute("drop table incoming_state")
    con.unregister("incoming")
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    counts.update(dict(rows))
    return counts


def _write(
    con: duckdb.DuckDBPyConnection,
    typed: dict[str, pl.DataFrame],
    report: ImportReport,
    record: dict,
    progress: Callable[[float, str], None] | None,
    cap: str | None = None,
) -> None:
    """Write every table of the batch and the import record inside one transaction.

    `cap` limits DuckDB's memory meanwhile, so a large batch is written through to disk.
    """
    order = [t for t in LOAD_ORDER if t in typed]
    # DuckDB would otherwise buffer a large batch in memory; a cap makes it write through to disk
    previous = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute("set memory_limit = $limit", {"limit": cap or previous})
    con.begin()
    try:
        for i, name in enumerate(order):
            if progress:
                progress(i / max(len(order), 1), f"writing {name}")
            report.counts[name] = write_table(con, TABLES_BY_NAME[name], typed[name])
        if progress:
            progress(0.95, "updating scores")
        db.refresh_scores(con)
        totals = {k: sum(c[k] for c in report.counts.values()) for k in ("inserted", "updated", "unchanged")}
        con.execute(
            "insert into app_imports (imported_at, imported_by, files, checksum, inserted, updated,"
            " unchanged, summary) values ($at, $by, $files, $checksum, $inserted, $updated,"
            " $unchanged, $summary)",
            {**record, **totals, "summary": json.dumps(report.counts)},
        )
        db.pause_for_tests("import")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.execute("set memory_limit = $limit", {"limit": previous})
    con.execute("checkpoint")
    if progress:
        progress(1.0, "done")


def write_table(con: duckdb.DuckDBPyConnection, table: Table, frame: pl.DataFrame) -> dict[str, int]:
    """Upsert one table's rows (a seam the failure-injection tests patch)."""
    return _upsert(con, table, frame)


def import_batch(
    paths: Iterable[str | Path],
    con: duckdb.DuckDBPyConnection,
    imported_by: str = "command line",
    dry_run: bool = False,
    progress: Callable[[float, str], None] | None = None,
    names: dict[str, str] | None = None,
) -> ImportReport:
    """Check a batch of files and, if every row is good, write it in one transaction.

    `names` maps a path to the file name shown in reports (uploads live under temporary names).
    """
    report = ImportReport()
    problems: list[Problem] = []
    incoming: list[Incoming] = []
    files = expand_paths(paths)
    if not files:
        problems.append(Problem("", None, "", "", "no .csv, .xlsx or .parquet files were given"))
    for path in files:
        inc = read_file(path, report.notices, problems, (names or {}).get(str(path), ""))
        if inc is None:
            continue
        if any(other.table.name == inc.table.name for other in incoming):
            problems.append(Problem(inc.file, None, "", "", f"a second file for table {inc.table.name}"))
            continue
        incoming.append(inc)
    found, typed = check_batch(con, incoming) if incoming else (pl.DataFrame(), {})
    for inc in incoming:
        inc.frame = None  # the text copies are no longer needed: keep peak memory down
    report.problem_count = len(problems) + found.height
    if found.height:
        problems += [Problem(**r) for r in found.sort("file", "row").head(REPORT_CAP).to_dicts()]
    report.problems = problems[:REPORT_CAP]
    if not report.ok:
        return report
    if dry_run:
        report.counts = {k: {"inserted": 0, "updated": 0, "unchanged": 0} for k in typed}
        return report
    checksum = _combine(i.checksum for i in incoming)
    record = {
        "at": datetime.now(),
        "by": imported_by,
        "files": ", ".join(i.file for i in incoming),
        "checksum": checksum,
    }
    rows = sum(frame.height for frame in typed.values())
    cap = os.environ.get("VOCATION_IMPORT_MEMORY") or f"{max(300, rows * 200 // 1_000_000)}MB"
    try:
        _write(con, typed, report, record, progress, cap)
    except duckdb.OutOfMemoryException:
        # the cap was too tight for this batch and nothing was written: once more without it
        report.counts.clear()
        _write(con, typed, report, record, progress, None)
    report.written = True
    db.bump_version(_db_file(con))
    return report


def _combine(checksums: Iterable[str]) -> str:
    """One checksum for a batch from its files' checksums (order does not matter)."""
    return hashlib.sha256("".join(sorted(checksums)).encode()).hexdigest()


def batch_checksum(paths: Iterable[Path]) -> str:
    """The checksum an import of these files records."""
    return _combine(hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths)


def _db_file(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind a connection (for the cache's data version)."""
    row = (
        con.cursor()
        .execute("select file from pragma_database_list where name = current_database()")
        .fetchall()[0]
    )
    return row[0] if row and row[0] else ":memory:"
