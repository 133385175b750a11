"""The aggregate gate: what leadership's pages may be given, and small-cell suppression.

Leadership reads through `chosen_programs` and returns only frames that pass `assert_aggregate`
(data functions marked `@aggregate` check every frame they return): a frame is refused if it
carries a person-level column (person, application or interview ids, names, emails) or a count
from 1 to the threshold that was not suppressed. Person-level values (scores, outcomes) are read
only inside a data function and leave it as summaries.

Suppression, in plain words:
1. Primary: a count from 1 to `threshold` (default 10) is hidden and shown as "<11"
   (f"<{threshold + 1}"). A zero is shown as 0.
2. Complementary: row and column totals may be published, so a line (row or column) with
   exactly one hidden cell would give it away by subtraction. In such a line the smallest other
   non-zero visible cell is hidden too (shown as "suppressed"); this repeats until every line has
   no hidden cell or at least two.
3. Audit: a reader who knows the published cells, every row and column total, that a "<11" cell
   holds 1-10 and that a "suppressed" cell holds more than 10 could still pin a hidden cell down
   (e.g. a 1 and an 11 hidden in a row whose hidden part sums to 12). Each hidden cell's least
   and greatest possible value are those of a linear program over the margin constraints (a
   flow network, so found exactly by a cycle search, see disclosed_cells); if they meet, one
   more cell of that cell's row or column is hidden, and steps 2-3 repeat.
4. If a cell stays pinned down with nothing left to hide in its lines (e.g. a line whose only
   non-zero cell is a "<11"), `margins_safe` is False: do not publish the totals of that table.
Shares (k/n) are hidden when k or n is hidden or when k or n - k is from 1 to `threshold`.
The `suppression` column says why a cell is hidden, for auditing; do not show it to readers.
"""

import functools

import numpy as np
import polars as pl

from dashboard.core.access import Scope, readable_programs
from dashboard.core.contract import SMALL_SAMPLE
from dashboard.store import db

THRESHOLD = SMALL_SAMPLE  # a count from 1 to THRESHOLD is never shown
ROLE = "leadership"
ALL_LABEL = "All selected"
COMPLEMENTARY_DISPLAY = "suppressed"


def primary_display(threshold: int = THRESHOLD) -> str:
    """The text shown in place of a primary-suppressed count."""
    return f"<{threshold + 1}"


PERSON_COLUMNS = frozenset(
    {
        "person_id",
        "full_name",
        "email",
        "application_id",
        "interview_id",
        "nominator_id",
        "nominee_id",
        "rater_id",
        "excerpt_id",
        "hire_no",
    }
)
SUPPRESSED_NOTE = "fewer than {} in a group: not shown"


class PrivacyError(AssertionError):
    """A frame bound for a leadership page holds person-level data or an unsuppressed small count."""


def assert_aggregate(frame: pl.DataFrame, threshold: int = THRESHOLD) -> pl.DataFrame:
    """Return `frame` unchanged, or raise PrivacyError if it is not a safe aggregate."""
    found = PERSON_COLUMNS.intersection(frame.columns)
    if found:
        raise PrivacyError(f"person-level columns in an aggregate: {sorted(found)}")
    for name, dtype in frame.schema.items():
        column = frame[name]
        if dtype.is_integer():
            small = column.is_between(1, threshold).any()
        elif dtype == pl.String:
            small = column.str.contains(r"^\s*\d+\s*$").fill_null(False) & (
                column.str.strip_chars().cast(pl.Int64, strict=False).is_between(1, threshold)
            )
            small = small.any()
        else:
            continue
        if small:
            raise PrivacyError(f"column {name!r} shows a count from 1 to {threshold}")
    return frame


def aggregate(fn):
    """Mark a data function as leadership-safe: every frame it returns passes assert_aggregate."""

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        result = fn(*args, **kwargs)
        frames = result.values() if isinstance(result, dict) else [result]
        for frame in frames:
            assert_aggregate(frame)
        return result

    checked.__aggregate__ = True
    return db.memoize(checked)  # suppression and statistics are costly: reuse until data changes


def chosen_programs(store, scope: Scope, programs=None, sites=None) -> list[str]:
    """Program ids leadership may read, narrowed to the chosen programs and sites."""
    allowed = set(readable_programs(store, scope, ROLE))
    catalog = store.query("program_site_list").filter(pl.col("program_id").is_in(sorted(allowed)))
    if programs:
        catalog = catalog.filter(pl.col("program_id").is_in(list(programs)))
    if sites:
        catalog = catalog.filter(pl.col("site_id").is_in(list(sites)))
    return catalog["program_id"].to_list()


def _hide_smallest(values, hidden, present, cells) -> bool:
    """Hide the smallest visible non-zero cell among cells; False when there is none."""
    options = [c for c in cells if present[c] and not hidden[c] and values[c] > 0]
    if not options:
        return False
    hidden[min(options, key=lambda c: values[c])] = True
    return True


def _lines(shape, axes):
    """Yield the cell lists of every row (axis 1) and/or column (axis 0) with a published total."""
    rows, cols = shape
    if 1 in axes:
        yield from ([(r, c) for c in range(cols)] for r in range(rows))
    if 0 in axes:
        yield from ([(r, c) for r in range(rows)] for c in range(cols))


def _complete_lines(values, hidden, present, axes) -> None:
    """Hide cells until no line with a published total has exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for line in _lines(values.shape, axes):
            if sum(hidden[c] for c in line) == 1:
                changed |= _hide_smallest(values, hidden, present, line)


def _residual_arcs(values, hidden, primary, threshold, axes) -> dict:
    """Arcs of the residual graph over published lines: one per way a hidden cell can move.

    A hidden cell joins its row node and its column node (a line without a published total is
    the free node None). Arc row -> column: the cell can grow by one; column -> row: it can
    shrink by one. Each arc is keyed by (tail, head) and lists the cells that provide it.
    """
    arcs: dict = {}
    for r, c in zip(*np.nonzero(hidden)):
        row = ("r", r) if 1 in axes else None
        col = ("c", c) if 0 in axes else None
        low, high = (1, threshold) if primary[r, c] else (threshold + 1, None)
        if high is None or values[r, c] < high:
            arcs.setdefault((row, col), []).append((r, c))
        if values[r, c] > low:
            arcs.setdefault((col, row), []).append((r, c))
    return arcs


def _reaches(arcs: dict, start, goal, skip) -> bool:
    """True when a path start -> goal exists using arcs provided by some cell other than skip."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for (tail, head), cells in arcs.items():
            if tail == node and head not in seen and any(c != skip for c in cells):
                seen.add(head)
                todo.append(head)
    return False


def disclosed_cells(values, hidden, primary, threshold: int = THRESHOLD, axes=(0, 1)) -> list:
    """Hidden cells whose value the published cells, line totals and display bounds pin down.

    Equivalent to minimising and maximising each hidden cell by linear programming, but exact
    and cheap: the constraints are those of a flow network, so a cell can take another value
    exactly when it lies on a cycle of the residual graph (grow it and shrink a neighbour in
    turn around the cycle, every line total kept).
    """
    if not axes:
        return []
    values, hidden, primary = np.asarray(values), np.asarray(hidden), np.asarray(primary)
    arcs = _residual_arcs(values, hidden, primary, threshold, axes)
    found = []
    for r, c in zip(*np.nonzero(hidden)):
        row = ("r", r) if 1 in axes else None
        col = ("c", c) if 0 in axes else None
        grows = (row, col) in arcs and _reaches(arcs, col, row, (r, c))
        shrinks = (col, row) in arcs and _reaches(arcs, row, col, (r, c))
        if not (grows or shrinks):
            found.append((r, c))
    return found


def suppress_matrix(values, threshold: int = THRESHOLD, axes=(0, 1), present=None):
    """Return (primary, hidden, margins_safe) masks for a 2-D count array; see module rules."""
    values = np.asarray(values)
    present = np.ones(values.shape, bool) if present is None else np.asarray(present)
    primary = present & (values >= 1) & (values <= threshold)
    hidden = primary.copy()
    while True:
        _complete_lines(values, hidden, present, axes)
        leaks = disclosed_cells(values, hidden, primary, threshold, axes)
        if not leaks:
            return primary, hidden, True
        lines = [line for line in _lines(values.shape, axes) if leaks[0] in line]
        if not any(_hide_smallest(values, hidden, present, line) for line in lines):
            return primary, hidden, False


def _mark(frame: pl.DataFrame, count: str, primary, hidden, safe, threshold) -> pl.DataFrame:
    """Add count_display, suppressed, suppression and margins_safe; null hidden counts."""
    kind = [("primary" if p else "complementary") if h else None for p, h in zip(primary, hidden)]
    shown = [
        (primary_display(threshold) if p else COMPLEMENTARY_DISPLAY) if h else str(v)
        for v, p, h in zip(frame[count].to_list(), primary, hidden)
    ]
    return frame.with_columns(
        pl.when(pl.Series(hidden)).then(None).otherwise(pl.col(count)).alias(count),
        count_display=pl.Series(shown, dtype=pl.String),
        suppressed=pl.Series(hidden, dtype=pl.Boolean),
        suppression=pl.Series(kind, dtype=pl.String),
        margins_safe=pl.lit(safe),
    )


def _check_counts(series: pl.Series) -> None:
    """Refuse null or negative counts: suppression needs every true value."""
    if series.null_count() or (series < 0).any():
        raise ValueError(f"{series.name} must be non-negative with no nulls")


def suppress_table(
    frame: pl.DataFrame, row: str, col: str, count: str, threshold: int = THRESHOLD, totals=True
) -> pl.DataFrame:
    """Suppress small cells of a long-form table (one row per cell); totals=False skips step 2-4."""
    _check_counts(frame[count])
    if frame.select(row, col).is_duplicated().any():
        raise ValueError(f"more than one row for some ({row}, {col}) cell")
    rows = {k: i for i, k in enumerate(frame[row].unique(maintain_order=True).to_list())}
    cols = {k: i for i, k in enumerate(frame[col].unique(maintain_order=True).to_list())}
    at = [(rows[r], cols[c]) for r, c in frame.select(row, col).iter_rows()]
    values = np.zeros((len(rows), len(cols)), np.int64)
    present = np.zeros(values.shape, bool)
    for (r, c), v in zip(at, frame[count].to_list()):
        values[r, c], present[r, c] = v, True
    axes = (0, 1) if totals else ()
    primary, hidden, safe = suppress_matrix(values, threshold, axes, present)
    return _mark(frame, count, [primary[a] for a in at], [hidden[a] for a in at], safe, threshold)


def suppress_counts(values, threshold: int = THRESHOLD, total_shown=True) -> pl.DataFrame:
    """Suppress a single list of counts (one line); with a shown total, hide at least two."""
    frame = pl.DataFrame({"count": pl.Series(list(values), dtype=pl.Int64)})
    _check_counts(frame["count"])
    grid = frame["count"].to_numpy().reshape(1, -1)
    primary, hidden, safe = suppress_matrix(grid, threshold, (1,) if total_shown else ())
    return _mark(frame, "count", primary[0].tolist(), hidden[0].tolist(), safe, threshold)


def suppress_shares(
    frame: pl.DataFrame, k: str, n: str, share: str, threshold: int = THRESHOLD
) -> pl.DataFrame:
    """Null share where k or n is hidden (null) or k, n or n - k is from 1 to threshold."""

    def small(expr):
        return expr.is_between(1, threshold)

    risky = (
        pl.col(k).is_null()
        | pl.col(n).is_null()
        | small(pl.col(k))
        | small(pl.col(n))
        | small(pl.col(n) - pl.col(k))
    )
    return frame.with_columns(pl.when(risky).then(None).otherwise(pl.col(share)).alias(share))


# --- what leadership's tables share ----------------------------------------------------------


def shown_counts(values: pl.Series, hidden: pl.Series, threshold: int) -> pl.Series:
    """Counts as text: the number, '<11' for a small count, 'suppressed' for a complementary one."""
    out = []
    for v, h in zip(values.to_list(), hidden.to_list(), strict=True):
        if v is None:
            out.append(None)
        elif 1 <= v <= threshold:
            out.append(primary_display(threshold))
        elif h:
            out.append(COMPLEMENTARY_DISPLAY)
        else:
            out.append(str(v))
    return pl.Series(out, dtype=pl.String)


def suppress_pair(frame, row: str, yes: str, no: str, threshold: int, totals=True) -> pl.DataFrame:
    """Suppress a two-outcome table (rows x yes/no) whose row and column totals are published.

    Returns one row per `row` with yes/no/total as text and `share` (yes / total) only where
    both cells are shown. totals=False: only small cells are hidden (for a row of totals).
    """
    long = frame.select(row, yes, no).unpivot(index=row, variable_name="_outcome", value_name="_n")
    cut = suppress_table(long, row, "_outcome", "_n", threshold=threshold, totals=totals)
    hidden = cut.group_by(row, maintain_order=True).agg(pl.col("suppressed").any().alias("_hid"))
    out = frame.join(hidden, on=row, how="left").with_columns(
        total=pl.col(yes) + pl.col(no),
    )
    yes_hidden = cut.filter(pl.col("_outcome") == yes).select(row, pl.col("suppressed").alias("_y"))
    no_hidden = cut.filter(pl.col("_outcome") == no).select(row, pl.col("suppressed").alias("_x"))
    out = out.join(yes_hidden, on=row).join(no_hidden, on=row)
    return out.with_columns(
        share=pl.when(~pl.col("_hid") & (pl.col("total") > 0)).then(pl.col(yes) / pl.col("total")),
        **{
            f"{yes}_shown": shown_counts(out[yes], out["_y"], threshold),
            f"{no}_shown": shown_counts(out[no], out["_x"], threshold),
            "total_shown": shown_counts(out["total"], pl.Series([False] * out.height), threshold),
        },
    )


def with_totals(frame, row: str, yes: str, no: str, label: str, threshold: int) -> pl.DataFrame:
    """Suppress the groups, then append their column totals (the published margins)."""
    total = frame.select(pl.lit(label).alias(row), pl.col(yes).sum(), pl.col(no).sum())
    groups = suppress_pair(frame.select(row, yes, no), row, yes, no, threshold)
    margin = suppress_pair(total.cast(frame.select(row, yes, no).schema), row, yes, no, threshold, False)
    return pl.concat([groups, margin])


def display_count(value: int, visible: bool, threshold: int) -> str:
    """A count as text, or why it is hidden."""
    if visible:
        return str(value)
    return primary_display(threshold) if 1 <= value <= threshold else COMPLEMENTARY_DISPLAY


def group_size_text(n: int, threshold: int) -> str:
    """A group size as text, '<11' when from 1 to the threshold."""
    return display_count(n, not 1 <= n <= threshold, threshold)


def suppression_note(threshold: int = THRESHOLD) -> str:
    """The plain-language rule for hidden cells, shown on every leadership page."""
    return (
        f"Aggregates only. A count from 1 to {threshold} is shown as "
        f"{primary_display(threshold)!r}; further cells marked 'suppressed' are hidden "
        "so that no small count can be worked out from the totals. Shares and rates built on a "
        "hidden count are left blank."
    )
