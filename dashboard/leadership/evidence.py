"""Evidence (leadership): do the themes matter here? Exemplars vs others, outcomes by profile
band, and each theme's association with each outcome, as aggregates (see leadership/privacy.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.core import stats
from dashboard.core.access import Scope
from dashboard.core.contract import SMALL_SAMPLE, THEMES
from dashboard.leadership.privacy import (
    SUPPRESSED_NOTE,
    THRESHOLD,
    aggregate,
    chosen_programs,
    group_size_text,
    suppress_pair,
)

BANDS = ("0-2", "3-4", "5-6")
CAUTION = (
    "Observational: this is the program's own data, not an experiment. A difference here does "
    "not show that the themes cause it; other things differ between these groups too. Groups "
    "of {small} or fewer are not shown and intervals from small groups are wide."
)


def caution(threshold: int = THRESHOLD) -> str:
    """The plain-language caution shown with every Evidence result."""
    return CAUTION.format(small=threshold)


@aggregate
def exemplar_comparison(
    store, scope: Scope, programs=None, sites=None, threshold: int = THRESHOLD
) -> pl.DataFrame:
    """Per theme: exemplars (named by >= 2 peers) vs other assessed staff, Hedges' g with 95% CI."""
    ids = chosen_programs(store, scope, programs, sites)
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
                    group_size_text(ex.len(), threshold),
                    group_size_text(other.len(), threshold),
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


def _small_note(n: int) -> str:
    """A note for a shown statistic whose smallest group is still modest."""
    return "small sample: read with care" if n < 2 * SMALL_SAMPLE else ""


def profile_band(themes_shown: int) -> str:
    """The profile band of a hire: how many of the six themes scored 3 or more."""
    return BANDS[0] if themes_shown <= 2 else BANDS[1] if themes_shown <= 4 else BANDS[2]


def _hire_rows(store, scope, programs, sites, as_of) -> pl.DataFrame:
    """Person-level hire rows (no ids) with their band; never returned to a page."""
    ids = chosen_programs(store, scope, programs, sites)
    raw = store.query("hire_outcomes_by_measure", program_ids=ids, as_of=as_of or dt.date.today())
    shown = pl.col("themes_shown")  # profile_band, vectorized (no Python call per hire)
    band = pl.when(shown <= 2).then(pl.lit(BANDS[0])).when(shown <= 4).then(pl.lit(BANDS[1]))
    return raw.with_columns(band=band.otherwise(pl.lit(BANDS[2])))


@aggregate
def outcomes_by_band(
    store, scope: Scope, programs=None, sites=None, as_of=None, threshold: int = THRESHOLD
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
    table = suppress_pair(counts, "band", "stayed", "left", threshold)
    table = stats.share_intervals(table, "stayed", "total", "share")
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
                    group_size_text(values.len(), threshold),
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
    store, scope: Scope, programs=None, sites=None, as_of=None, threshold: int = THRESHOLD
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
                        group_size_text(pairs.height, threshold),
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
