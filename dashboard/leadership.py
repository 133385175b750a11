"""Leadership's data layer: Overview and Evidence aggregates, small cells suppressed.

Privacy by construction: every public data function here is wrapped by `@aggregate`, which runs
`assert_aggregate` on what it returns. A frame is refused if it carries a person-level column
(person, application or interview ids, names, emails) or a count from 1 to the threshold that was
not suppressed. Person-level values (scores, outcomes) are read only inside a data function and
leave it as summaries: counts go through `privacy.suppress_table`, means and intervals are shown
only for groups larger than the threshold.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import polars as pl

from dashboard import db, privacy, stats
from dashboard.access import ALL_PROGRAMS, Scope
from dashboard.cli import report

ROLE = "leadership"
STAGES = ("applied", "screened", "interviewed", "offered", "hired")
DIMENSIONS = ("site", "program", "year")
ALL_LABEL = "All selected"
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
THEMES = ("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
BANDS = ("0-2", "3-4", "5-6")
CAUTION = (
    "Observational: this is the program's own data, not an experiment. A difference here does "
    "not show that the themes cause it; other things differ between these groups too. Groups "
    "of {small} or fewer are not shown and intervals from small groups are wide."
)


class PrivacyError(AssertionError):
    """A frame bound for a leadership page holds person-level data or an unsuppressed small count."""


def assert_aggregate(frame: pl.DataFrame, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
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


# --- scope and filters ---------------------------------------------------------------------


def program_ids(store, scope: Scope, programs=None, sites=None) -> list[str]:
    """Program ids leadership may read, narrowed to the chosen programs and sites."""
    granted = set(scope.programs(ROLE))
    catalog = store.query("leadership_programs")
    if not granted <= {"", ALL_PROGRAMS}:  # a leadership grant limited to named programs
        catalog = catalog.filter(pl.col("program_id").is_in(sorted(granted)))
    if programs:
        catalog = catalog.filter(pl.col("program_id").is_in(list(programs)))
    if sites:
        catalog = catalog.filter(pl.col("site_id").is_in(list(sites)))
    return catalog["program_id"].to_list()


@aggregate
def filter_options(store, scope: Scope) -> dict[str, pl.DataFrame]:
    """Programs (with sites) and the year range leadership can filter on."""
    scope.require(ROLE)
    allowed = program_ids(store, scope)
    programs = store.query("leadership_programs").filter(pl.col("program_id").is_in(allowed))
    return {"programs": programs, "years": store.query("leadership_years")}


# --- suppression helpers -------------------------------------------------------------------


def _shown(values: pl.Series, hidden: pl.Series, threshold: int) -> pl.Series:
    """Counts as text: the number, '<11' for a small count, 'suppressed' for a complementary one."""
    out = []
    for v, h in zip(values.to_list(), hidden.to_list(), strict=True):
        if v is None:
            out.append(None)
        elif 1 <= v <= threshold:
            out.append(privacy.primary_display(threshold))
        elif h:
            out.append(privacy.COMPLEMENTARY_DISPLAY)
        else:
            out.append(str(v))
    return pl.Series(out, dtype=pl.String)


def _suppress_pair(frame, row: str, yes: str, no: str, threshold: int, totals=True) -> pl.DataFrame:
    """Suppress a two-outcome table (rows x yes/no) whose row and column totals are published.

    Returns one row per `row` with yes/no/total as text and `share` (yes / total) only where
    both cells are shown. totals=False: only small cells are hidden (for a row of totals).
    """
    long = frame.select(row, yes, no).unpivot(index=row, variable_name="_outcome", value_name="_n")
    cut = privacy.suppress_table(long, row, "_outcome", "_n", threshold=threshold, totals=totals)
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
            f"{yes}_shown": _shown(out[yes], out["_y"], threshold),
            f"{no}_shown": _shown(out[no], out["_x"], threshold),
            "total_shown": _shown(out["total"], pl.Series([False] * out.height), threshold),
        },
    )


def _with_totals(frame, row: str, yes: str, no: str, label: str, threshold: int) -> pl.DataFrame:
    """Suppress the groups, then append their column totals (the published margins)."""
    total = frame.select(pl.lit(label).alias(row), pl.col(yes).sum(), pl.col(no).sum())
    groups = _suppress_pair(frame.select(row, yes, no), row, yes, no, threshold)
    margin = _suppress_pair(total.cast(frame.select(row, yes, no).schema), row, yes, no, threshold, False)
    return pl.concat([groups, margin])


# --- Overview ------------------------------------------------------------------------------


@aggregate
def theme_prevalence(
    store,
    scope: Scope,
    dimension: str = "site",
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = privacy.THRESHOLD,
) -> pl.DataFrame:
    """Share of interviewed applicants scoring >= 3 per theme and group, small cells hidden."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}")
    ids = program_ids(store, scope, programs, sites)
    raw = store.query(
        "theme_prevalence_by_group",
        program_ids=ids,
        year_from=years[0],
        year_to=years[1],
        dimension=dimension,
    )
    parts = []
    for theme in [t for t in THEMES if t in set(raw["theme"])]:
        cells = raw.filter(pl.col("theme") == theme).drop("theme")
        table = _with_totals(cells, "group_label", "showing", "not_showing", ALL_LABEL, threshold)
        parts.append(table.with_columns(theme=pl.lit(theme)))
    if not parts:
        return _empty_prevalence()
    out = pl.concat(parts)
    return _interval_columns(out, "showing", "total", "share").select(
        pl.col("group_label").alias("group"),
        "theme",
        pl.col("total_shown").alias("interviewed"),
        pl.col("showing_shown").alias("showing"),
        "share",
        "share_low",
        "share_high",
    )


def _empty_prevalence() -> pl.DataFrame:
    """The prevalence frame's shape with no rows."""
    return pl.DataFrame(
        schema={
            "group": pl.String,
            "theme": pl.String,
            "interviewed": pl.String,
            "showing": pl.String,
            "share": pl.Float64,
            "share_low": pl.Float64,
            "share_high": pl.Float64,
        }
    )


def _interval_columns(frame: pl.DataFrame, k: str, n: str, share: str) -> pl.DataFrame:
    """Add Wilson 95% limits for each shown share (null where the share is hidden)."""
    lows, highs = [], []
    for kv, nv, sv in frame.select(k, n, share).iter_rows():
        ci = stats.proportion_ci(kv, nv) if sv is not None else None
        lows.append(ci.low if ci else None)
        highs.append(ci.high if ci else None)
    return frame.with_columns(
        pl.Series(f"{share}_low", lows, dtype=pl.Float64),
        pl.Series(f"{share}_high", highs, dtype=pl.Float64),
    )


@aggregate
def hiring_funnel(
    store,
    scope: Scope,
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = privacy.THRESHOLD,
) -> pl.DataFrame:
    """Applications reaching each stage per program and conversion from the previous stage.

    Suppression works on the additive cells (applications by furthest stage reached, with
    program and stage totals published); a 'reached' count is shown only when every cell it
    adds up is shown, so it reveals nothing the visible cells do not.
    """
    ids = program_ids(store, scope, programs, sites)
    raw = store.query("hiring_funnel_by_program", program_ids=ids, year_from=years[0], year_to=years[1])
    if raw.is_empty():
        return _funnel_frame([])
    grid = (
        raw["program_name"]
        .unique()
        .sort()
        .to_frame()
        .join(pl.DataFrame({"stage": list(STAGES)}), how="cross")
        .join(raw, on=["program_name", "stage"], how="left")
        .with_columns(pl.col("applications").fill_null(0))
    )
    cut = privacy.suppress_table(grid, "program_name", "stage", "applications", threshold=threshold)
    rows = []
    for program, cells in cut.group_by("program_name", maintain_order=True):
        rows.extend(_funnel_rows(program[0], cells, grid, threshold))
    # the stage totals over the selected programs are published margins: only small ones hidden
    total = (
        grid.group_by("stage").agg(pl.col("applications").sum()).with_columns(program_name=pl.lit(ALL_LABEL))
    )
    margin = privacy.suppress_table(
        total, "program_name", "stage", "applications", threshold=threshold, totals=False
    )
    rows.extend(_funnel_rows(ALL_LABEL, margin, total, threshold))
    return _funnel_frame(rows)


def _funnel_rows(program: str, cells: pl.DataFrame, grid: pl.DataFrame, threshold: int) -> list:
    """One program's funnel: reached per stage (shown or hidden) and conversion."""
    true = dict(grid.filter(pl.col("program_name") == program).select("stage", "applications").iter_rows())
    hidden = dict(cells.select("stage", "suppressed").iter_rows())
    rows, previous = [], None
    for i, stage in enumerate(STAGES):
        suffix = STAGES[i:]
        reached = sum(true[s] for s in suffix)
        # the first stage is the program's total (a published margin); later stages add cells
        visible = (i == 0 or not any(hidden[s] for s in suffix)) and not 1 <= reached <= threshold
        value = reached if visible else None
        conversion = None
        if value is not None and previous not in (None, 0):
            conversion = value / previous
        rows.append((program, stage, value, _display(reached, visible, threshold), conversion))
        previous = value
    return rows


def _display(value: int, visible: bool, threshold: int) -> str:
    """A count as text, or why it is hidden."""
    if visible:
        return str(value)
    return privacy.primary_display(threshold) if 1 <= value <= threshold else "suppressed"


def _funnel_frame(rows: list) -> pl.DataFrame:
    """The funnel frame from (program, stage, reached, reached_shown, conversion) rows."""
    return pl.DataFrame(
        rows,
        schema={
            "program": pl.String,
            "stage": pl.String,
            "reached_n": pl.Int64,
            "reached": pl.String,
            "conversion": pl.Float64,
        },
        orient="row",
    )


@aggregate
def cohort_growth(
    store,
    scope: Scope,
    programs=None,
    sites=None,
    years: tuple[int, int] = (1900, 2999),
    threshold: int = privacy.THRESHOLD,
) -> pl.DataFrame:
    """Mean change per cohort and theme from intake to latest assessment, with 95% interval.

    Groups of `threshold` or fewer trainees show only '<11' and a note.
    """
    ids = program_ids(store, scope, programs, sites)
    raw = store.query("cohort_growth_by_theme", program_ids=ids, year_from=years[0], year_to=years[1])
    sd = raw["sd_change"].to_numpy().astype(float)
    sd[raw["no_spread"].to_numpy()] = np.nan  # no spread: no interval, as stats.mean_ci
    low, high = stats.mean_ci_from_summary(raw["mean_change"], sd, raw["trainees"])
    shown = pl.col("trainees") > threshold
    means = ("mean_intake", "mean_latest", "mean_change", "change_low", "change_high")
    note = pl.lit(SUPPRESSED_NOTE.format(threshold + 1))
    return (
        raw.with_columns(change_low=low, change_high=high)
        .select(
            cohort=pl.col("cohort_name"),
            theme="theme",
            trainees=pl.when(shown)
            .then(pl.col("trainees").cast(pl.String))
            .otherwise(pl.lit(privacy.primary_display(threshold))),
            **{name: pl.when(shown).then(pl.col(name).cast(pl.Float64)) for name in means},
            note=pl.when(shown).then(pl.lit("")).otherwise(note),
        )
        .sort("cohort", "theme")
    )


# --- Evidence ------------------------------------------------------------------------------


def caution(threshold: int = privacy.THRESHOLD) -> str:
    """The plain-language caution shown with every Evidence result."""
    return CAUTION.format(small=threshold)


@aggregate
def exemplar_comparison(
    store, scope: Scope, programs=None, sites=None, threshold: int = privacy.THRESHOLD
) -> pl.DataFrame:
    """Per theme: exemplars (named by >= 2 peers) vs other assessed staff, Hedges' g with 95% CI."""
    ids = program_ids(store, scope, programs, sites)
    raw = store.query("exemplar_scores_by_theme", program_ids=ids)
    rows = []
    for theme in THEMES:
        part = raw.filter(pl.col("theme") == theme)
        ex = part.filter(pl.col("is_exemplar"))["score"]
        other = part.filter(~pl.col("is_exemplar"))["score"]
        if min(ex.len(), other.len()) <= threshold:
            rows.append(
                (
                    theme,
                    _n_text(ex.len(), threshold),
                    _n_text(other.len(), threshold),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    SUPPRESSED_NOTE.format(threshold + 1),
                )
            )
            continue
        g = stats.hedges_g(ex, other)
        rows.append(
            (
                theme,
                str(g.n_x),
                str(g.n_y),
                g.mean_x,
                g.mean_y,
                g.diff,
                g.g,
                g.ci_low,
                g.ci_high,
                _small_note(min(g.n_x, g.n_y)),
            )
        )
    schema = {
        "theme": pl.String,
        "n_exemplars": pl.String,
        "n_others": pl.String,
        "mean_exemplars": pl.Float64,
        "mean_others": pl.Float64,
        "difference": pl.Float64,
        "hedges_g": pl.Float64,
        "g_low": pl.Float64,
        "g_high": pl.Float64,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _n_text(n: int, threshold: int) -> str:
    """A group size as text, '<11' when from 1 to the threshold."""
    return _display(n, not 1 <= n <= threshold, threshold)


def _small_note(n: int) -> str:
    """A note for a shown statistic whose smallest group is still modest."""
    return "small sample: read with care" if n < 2 * stats.SMALL_N else ""


def profile_band(themes_shown: int) -> str:
    """The profile band of a hire: how many of the six themes scored 3 or more."""
    return BANDS[0] if themes_shown <= 2 else BANDS[1] if themes_shown <= 4 else BANDS[2]


def _hire_rows(store, scope, programs, sites, as_of) -> pl.DataFrame:
    """Person-level hire rows (no ids) with their band; never returned to a page."""
    ids = program_ids(store, scope, programs, sites)
    raw = store.query("hire_outcomes_by_measure", program_ids=ids, as_of=as_of or dt.date.today())
    return raw.with_columns(band=pl.col("themes_shown").map_elements(profile_band, return_dtype=pl.String))


@aggregate
def outcomes_by_band(
    store, scope: Scope, programs=None, sites=None, as_of=None, threshold: int = privacy.THRESHOLD
) -> pl.DataFrame:
    """Per outcome measure and profile band: retention share or mean, 95% interval and n."""
    rows = _hire_rows(store, scope, programs, sites, as_of)
    parts = [_retention_by_band(rows.filter(pl.col("measure") == "retained_12m"), threshold)]
    for measure in sorted(set(rows["measure"]) - {"retained_12m"}):
        parts.append(_mean_by_band(rows.filter(pl.col("measure") == measure), measure, threshold))
    return pl.concat(parts)


_BAND_SCHEMA = {
    "measure": pl.String,
    "band": pl.String,
    "hires": pl.String,
    "value": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "note": pl.String,
}


def _retention_by_band(rows: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Share of hires still employed 12 months on, per band; stayed/left counts suppressed."""
    counts = (
        pl.DataFrame({"band": list(BANDS)})
        .join(
            rows.group_by("band").agg(
                stayed=(pl.col("value") == 1).sum().cast(pl.Int64),
                left=(pl.col("value") == 0).sum().cast(pl.Int64),
            ),
            on="band",
            how="left",
        )
        .fill_null(0)
    )
    table = _suppress_pair(counts, "band", "stayed", "left", threshold)
    table = _interval_columns(table, "stayed", "total", "share")
    return table.select(
        measure=pl.lit("retained_12m"),
        band="band",
        hires="total_shown",
        value="share",
        low="share_low",
        high="share_high",
        note=pl.when(pl.col("share").is_null())
        .then(pl.lit(f"hidden: a stayed or left count is {threshold} or fewer, or would reveal one"))
        .otherwise(pl.lit("")),
    ).cast(_BAND_SCHEMA)


def _mean_by_band(rows: pl.DataFrame, measure: str, threshold: int) -> pl.DataFrame:
    """Mean of one outcome measure per band with a 95% interval; small bands hidden."""
    out = []
    for band in BANDS:
        values = rows.filter(pl.col("band") == band)["value"]
        if values.len() <= threshold:
            out.append(
                (
                    measure,
                    band,
                    _n_text(values.len(), threshold),
                    None,
                    None,
                    None,
                    SUPPRESSED_NOTE.format(threshold + 1),
                )
            )
            continue
        ci = stats.mean_ci(values)
        out.append((measure, band, str(ci.n), ci.value, ci.low, ci.high, _small_note(ci.n)))
    return pl.DataFrame(out, schema=_BAND_SCHEMA, orient="row")


@aggregate
def theme_associations(
    store, scope: Scope, programs=None, sites=None, as_of=None, threshold: int = privacy.THRESHOLD
) -> pl.DataFrame:
    """Per theme and outcome measure: correlation of the hiring score with the outcome, 95% CI."""
    rows = _hire_rows(store, scope, programs, sites, as_of)
    out = []
    for measure in sorted(set(rows["measure"])):
        part = rows.filter(pl.col("measure") == measure)
        for theme in THEMES:
            pairs = part.select(theme, "value").drop_nulls()
            if pairs.height <= threshold:
                out.append(
                    (
                        theme,
                        measure,
                        _n_text(pairs.height, threshold),
                        None,
                        None,
                        None,
                        SUPPRESSED_NOTE.format(threshold + 1),
                    )
                )
                continue
            r = stats.correlation_ci(pairs[theme], pairs["value"])
            out.append((theme, measure, str(r.n), r.value, r.low, r.high, _small_note(r.n)))
    schema = {
        "theme": pl.String,
        "measure": pl.String,
        "hires": pl.String,
        "correlation": pl.Float64,
        "low": pl.Float64,
        "high": pl.Float64,
        "note": pl.String,
    }
    return pl.DataFrame(out, schema=schema, orient="row")


# --- report commands -----------------------------------------------------------------------


def _overview_args(parser) -> None:
    parser.add_argument(
        "--part",
        choices=("prevalence", "funnel", "growth"),
        default="prevalence",
        help="which Overview table to print (default: prevalence)",
    )
    parser.add_argument("--by", choices=DIMENSIONS, default="site", help="prevalence groups")


def _evidence_args(parser) -> None:
    parser.add_argument(
        "--part",
        choices=("exemplars", "outcomes", "associations"),
        default="exemplars",
        help="which Evidence table to print (default: exemplars)",
    )


@report(
    "overview",
    "theme prevalence, hiring funnel or cohort growth, as the page shows",
    _overview_args,
)
def overview_report(store, args):
    """The Overview page's tables, small cells suppressed."""
    scope = Scope.system()
    part = getattr(args, "part", "prevalence")
    if part == "funnel":
        return hiring_funnel(store, scope).drop("reached_n")
    if part == "growth":
        return cohort_growth(store, scope)
    return theme_prevalence(store, scope, getattr(args, "by", "site"))


@report("evidence", "exemplars vs others, outcomes by profile band, theme associations", _evidence_args)
def evidence_report(store, args):
    """The Evidence page's tables, small groups suppressed."""
    scope = Scope.system()
    part = getattr(args, "part", "exemplars")
    if part == "outcomes":
        return outcomes_by_band(store, scope)
    if part == "associations":
        return theme_associations(store, scope)
    return exemplar_comparison(store, scope)


def suppression_note(threshold: int = privacy.THRESHOLD) -> str:
    """The plain-language rule for hidden cells, shown on every leadership page."""
    return (
        f"Aggregates only. A count from 1 to {threshold} is shown as "
        f"{privacy.primary_display(threshold)!r}; further cells marked 'suppressed' are hidden "
        "so that no small count can be worked out from the totals. Shares and rates built on a "
        "hidden count are left blank."
    )
