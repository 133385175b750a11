"""Import step 2, checking: every rule of the contract on every row of the batch at once.

Row rules (blanks, types, codes, ranges), keys, rules across columns and references (to the
database or to another file of the batch); each broken rule is a problem row naming the file,
the spreadsheet row, the column, the value and the rule. Reads the database, never writes it.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.core.contract import LOAD_ORDER, Table
from dashboard.ingest.reader import Incoming

_DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[T ]00:00:00(?:\.0+)?)?$"


def _clean(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Trim text (unless the column is kept verbatim), turn blanks into nulls, lowercase codes."""
    exprs = []
    for col in table.columns:
        e = pl.col(col.name).str.strip_chars() if col.trim else pl.col(col.name)
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


def _key_checks(con: duckdb.DuckDBPyConnection, inc: Incoming, stage: str) -> list[pl.DataFrame]:
    """Problems with keys: the same key on two rows of the file (found in its staged rows)."""
    key = list(inc.table.key)
    cols = ", ".join(key)  # identifiers from the contract (an allow-list), as is the stage's name
    present = " and ".join(f"{k} is not null" for k in key)
    dup = (  # on `con` itself: the stage is one of its temp tables
        con.sql(
            f"with d as (select {cols}, min(_row) as _first from {stage} where {present} "  # noqa: S608
            f"group by {cols} having count(*) > 1) "
            f"select s._row, {cols}, d._first from {stage} as s inner join d using ({cols}) "
            "where s._row <> d._first"
        ).pl()
    )
    if dup.is_empty():
        return []
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
    if name == "raters":
        bad = pl.col("email").is_not_null() & ~pl.col("email").str.contains(r"^[^@\s]+@[^@\s]+$")
        found.append(_flag(typed, bad, "email", "is not an email address", f))
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


def _position_checks(
    inc: Incoming, typed: pl.DataFrame, batch: dict[str, pl.DataFrame]
) -> list[pl.DataFrame]:
    """Each excerpt position is where its excerpt's text is in a transcript of its interview.

    Positions arrive only with their project's excerpts and transcripts (contract.from_projects),
    so both are in the batch; the transcript's text is kept verbatim, so code points line up.
    """
    f = inc.file
    order = _flag(typed, pl.col("start_pos") >= pl.col("end_pos"), "end_pos", "is not after start_pos", f)
    if "transcripts" not in batch or "excerpts" not in batch:
        missing = pl.lit(True)
        rule = "a position arrives only with its excerpts and transcripts (load the .qdpx project)"
        return [order, _flag(typed, missing, "excerpt_id", rule, f)]
    transcripts = batch["transcripts"].select(
        "transcript_id", pl.col("interview_id").alias("_t_interview"), pl.col("text").alias("_t_text")
    )
    excerpts = batch["excerpts"].select(
        "excerpt_id", pl.col("interview_id").alias("_e_interview"), pl.col("text").alias("_e_text")
    )
    both = typed.join(transcripts, on="transcript_id", how="left").join(excerpts, on="excerpt_id", how="left")
    span = pl.col("_t_text").str.slice(pl.col("start_pos"), pl.col("end_pos") - pl.col("start_pos"))
    known = (
        pl.col("_t_text").is_not_null()
        & pl.col("_e_text").is_not_null()
        & (pl.col("start_pos") < pl.col("end_pos"))
    )
    elsewhere = known & (pl.col("_t_interview") != pl.col("_e_interview"))
    moved = known & ((pl.col("end_pos") > pl.col("_t_text").str.len_chars()) | (span != pl.col("_e_text")))
    return [
        order,
        _flag(both, elsewhere, "transcript_id", "is a transcript of another interview than the excerpt's", f),
        _flag(
            both,
            moved,
            "start_pos",
            "the transcript's text between start_pos and end_pos is not the excerpt's text",
            f,
        ),
    ]


def _position_frames(
    con: duckdb.DuckDBPyConnection, staged: dict[str, str]
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The staged positions (a project's: few) and, from the stages, the transcripts and the
    excerpts they name, for _position_checks."""
    positions = allowed_identifier(staged["excerpt_positions"])
    typed = con.sql(f"select * from {positions}").pl()  # noqa: S608 - allow-listed identifier
    batch = {}
    if "transcripts" in staged:
        transcripts = allowed_identifier(staged["transcripts"])
        batch["transcripts"] = con.sql(f"select transcript_id, interview_id, text from {transcripts}").pl()  # noqa: S608
    if "excerpts" in staged:
        batch["excerpts"] = con.sql(
            f"select excerpt_id, interview_id, text from {allowed_identifier(staged['excerpts'])} "  # noqa: S608
            f"where excerpt_id in (select excerpt_id from {positions})"
        ).pl()
    return typed, batch


def _known_keys(con: duckdb.DuckDBPyConnection, staged: dict[str, str], table: str, column: str) -> pl.Series:
    """Values of table.column in the database and in the batch."""
    # table, column and the stage's name come from the contract (an allow-list), never from input
    stmt = f"select distinct {column}::varchar as v from {table} where {column} is not null"  # noqa: S608
    if table in staged:
        stmt += f" union select {column}::varchar from {staged[table]} where {column} is not null"  # noqa: S608
    return con.sql(stmt).pl()["v"]


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


APP_OWNED_RULE = "was made in Vocation (a scheduled interview or its scorecards); an import may not change it"
_PROBLEM_SCHEMA = {
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "rule": pl.String,
}


def app_owned_checks(
    con: duckdb.DuckDBPyConnection, staged: dict[str, str], files: dict[str, str], owned: pl.DataFrame
) -> pl.DataFrame:
    """Staged rows whose key collides with an interview scheduled in Vocation or the rows its
    scorecards wrote (`owned`: kind 'interview' or 'excerpt', and key, as the query
    app_owned_key_list reads). Run on the stages in SQL, reading back only the colliding rows."""
    found = []
    if owned.height == 0:
        return pl.DataFrame(schema=_PROBLEM_SCHEMA)
    con.register("import_app_owned", owned.select("kind", "key").to_arrow())
    try:
        for table, column, kind in (
            ("interviews", "interview_id", "interview"),
            ("ratings", "interview_id", "interview"),  # its ratings come from its panel's scorecards
            # coded evidence for it (a transcript coded in a QDA tool) is welcome under a key of its own
            ("excerpts", "excerpt_id", "excerpt"),
        ):
            if table not in staged:
                continue
            # identifiers from the contract and the importer's stage names; the kind is bound
            select = (
                f"select _row, {column} from {staged[table]} "  # noqa: S608
                f"where cast({column} as varchar) in (select key from import_app_owned where kind = $kind)"
            )
            hits = con.sql(select, params={"kind": kind}).pl()
            found.append(_flag(hits, pl.lit(True), column, APP_OWNED_RULE, files[table]))
    finally:
        con.unregister("import_app_owned")
    return (
        pl.concat([f.cast(_PROBLEM_SCHEMA) for f in found]) if found else pl.DataFrame(schema=_PROBLEM_SCHEMA)
    )


CHUNK_ROWS = 100_000  # rows checked at a time: bounds the memory a large file needs


# The only names a stage may have: one per contract table (SQL takes them as identifiers).
STAGE_NAMES = {table: f"import_stage_{table}" for table in LOAD_ORDER}


def stage_name(table: str) -> str:
    """The temporary table holding a batch's checked rows of `table` until they are written."""
    return STAGE_NAMES[table]


def allowed_identifier(name: str) -> str:
    """`name` itself when it is a contract table or one of its stages; ValueError otherwise."""
    if name not in STAGE_NAMES and name not in STAGE_NAMES.values():
        raise ValueError(f"{name!r} is not a contract table or an import stage")
    return name


def _stage(con: duckdb.DuckDBPyConnection, stage: str, typed: pl.DataFrame, first: bool) -> None:
    """Append a chunk of typed rows to the stage (a temp table of `con`, spilled to disk by DuckDB)."""
    stage = allowed_identifier(stage)  # an identifier cannot be a bound parameter
    con.register("import_chunk", typed.to_arrow())
    try:
        if first:
            con.execute(f"create or replace temp table {stage} as select * from import_chunk")  # noqa: S608
        else:
            con.execute(f"insert into {stage} select * from import_chunk")  # noqa: S608
    finally:
        con.unregister("import_chunk")


def drop_stages(con: duckdb.DuckDBPyConnection, staged: dict[str, str]) -> None:
    """Drop the batch's stages (after writing, or when it was refused)."""
    for stage in staged.values():
        con.execute(f"drop table if exists {allowed_identifier(stage)}")  # noqa: S608 - allow-listed


def _staged_chunks(con: duckdb.DuckDBPyConnection, select: str, rows: int):
    """Rows of a select on a stage, a chunk at a time, as polars frames."""
    reader = con.sql(select).to_arrow_reader(rows)
    for batch in reader:
        yield pl.from_arrow(batch)


def _cannot_read(inc: Incoming, exc: Exception) -> pl.DataFrame:
    """A file that failed part-way through its rows, as one problem."""
    rule = f"cannot be read: {exc}".splitlines()[0][:300]
    return pl.DataFrame({"file": [inc.file], "row": [None], "column": [""], "value": [""], "rule": [rule]})


def check_batch(
    con: duckdb.DuckDBPyConnection,
    incoming: list[Incoming],
    owned: pl.DataFrame | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Every problem in the batch, and the name of each table's stage: a temp table of `con` with
    the rows converted to contract types (and `_row`). Files are read a chunk at a time and the
    checks that need a whole file or the whole batch (keys, references) run on the stages, so a
    batch larger than memory can be checked. Writes nothing but those temp tables; the caller drops
    them (`drop_stages`). `owned`: the app-owned keys (see app_owned_checks) no row of the batch
    may collide with."""
    found: list[pl.DataFrame] = []
    staged: dict[str, str] = {}
    subthemes = con.sql("select code, theme from subthemes").pl()
    # in load order, so the batch's subthemes are staged before its excerpts are checked
    for inc in sorted(incoming, key=lambda i: LOAD_ORDER.index(i.table.name)):
        stage = staged[inc.table.name] = stage_name(inc.table.name)
        first = True
        try:
            for chunk in inc.batches(chunk_rows):
                text = _clean(chunk, inc.table)
                typed = text.select(pl.col("_row"), *_typed(inc.table))
                found += _row_checks(inc, text, typed)
                found += _extra_checks(inc, typed, subthemes)
                _stage(con, stage, typed, first)
                first = False
        except (pl.exceptions.PolarsError, OSError) as exc:
            found.append(_cannot_read(inc, exc))
        if first:  # no rows (or unreadable): an empty stage of the right types
            empty = _clean(inc.source.head(0).collect(), inc.table)
            _stage(con, stage, empty.select(pl.col("_row"), *_typed(inc.table)), True)
        found += _key_checks(con, inc, stage)
        if inc.table.name == "subthemes":
            batch = con.sql(f"select code, theme from {stage} order by _row").pl()  # noqa: S608
            subthemes = pl.concat([subthemes, batch]).unique("code", keep="last")
    cache: dict[tuple[str, str], pl.Series] = {}

    def known(table: str, column: str) -> pl.Series:
        if (table, column) not in cache:
            cache[(table, column)] = _known_keys(con, staged, table, column)
        return cache[(table, column)]

    for inc in incoming:
        if inc.table.name == "excerpt_positions":
            found += _position_checks(inc, *_position_frames(con, staged))
        refs = [col for col in inc.table.columns if col.ref is not None]
        if not refs:
            continue
        for col in refs:  # every lookup first: the stage is then read without pause
            known(*col.ref)
        # only the columns that refer to another table: not the text of 3 million excerpts again
        columns = ", ".join(["_row", *(col.name for col in refs)])
        select = f"select {columns} from {staged[inc.table.name]}"  # noqa: S608 - contract names
        for typed in _staged_chunks(con, select, chunk_rows):
            found += _reference_checks(inc, typed, known)
    if owned is not None:
        found.append(app_owned_checks(con, staged, {i.table.name: i.file for i in incoming}, owned))
    schema = {"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "rule": pl.String}
    problems = pl.concat([f.cast(schema) for f in found]) if found else pl.DataFrame(schema=schema)
    return problems.unique(maintain_order=True), staged
