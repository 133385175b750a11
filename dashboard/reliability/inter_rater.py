"""Can we trust the ratings? Inter-rater reliability, rater calibration and the consensus queue.

Units are interviews; values are the independent 0-4 scores in `ratings` (a theme not rated is
missing, never 0). Per theme and rater pair: percent exact agreement, percent within one point,
Cohen's kappa (unweighted and quadratic-weighted) on the interviews both rated. Per theme over
all raters: ordinal Krippendorff's alpha with a seeded bootstrap interval over interviews. The
statistics come from `dashboard.core.stats`; this module fetches the scores a reader may see, shapes
them and records the consensus a panel agrees on.

Every data function takes `(store, scope, role)`; `role` is supervisor or training_director and
limits the interviews to that role's programs (leadership never sees this person-level data).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dashboard.core import stats
from dashboard.core.access import SCOPED_ROLES, AccessDenied, Scope, readable_programs
from dashboard.core.contract import SMALL_SAMPLE, THEMES
from dashboard.reliability import agreement
from dashboard.scorecards import blind_rule
from dashboard.store import audit, db

ROLE_LABELS = {"supervisor": "Supervisor", "training_director": "Training director"}
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 2007
SCORES = (0, 1, 2, 3, 4)
PATTERN_COLUMNS = ("n_0", "n_1", "n_2", "n_3", "n_4")  # raters who gave an interview 0 ... 4
PAGE_SIZE = 500  # rows on screen per page of a long table (ui.page_of, or a SQL window)
INTRO = (
    "Two raters score each interview independently. These figures say how far their scores agree, "
    "beyond chance, for the interviews of your programs. Krippendorff's guidance: alpha of 0.800 "
    "or more is reliable, 0.667 to 0.800 tentative, below 0.667 unreliable. Figures on fewer than "
    f"{SMALL_SAMPLE} interviews are marked as small samples."
)
ALPHA_NOTE = (
    "Units: interviews rated by two or more raters. Alpha (ordinal) over all raters, with a "
    f"95% bootstrap interval ({BOOTSTRAP_DRAWS} seeded resamples of interviews)."
)
CALIBRATION_NOTE = (
    "Difference of each rater's score from the interview's score (the consensus where one "
    "is in force, else the mean of the raters). Positive: lenient; negative: severe."
)
QUEUE_NOTE = "Interview themes where raters differ by 2 or more and no consensus is in force, oldest first."
CONSENSUS_RULE = (
    "A consensus recorded here is used unless an imported consensus is dated later; "
    "used_because says which one counts and why. An import never changes what is recorded here."
)
REPORT_COLUMNS = (
    "theme",
    "rater_a",
    "rater_b",
    "n_units",
    "percent_agreement",
    "cohen_kappa",
    "weighted_kappa",
    "krippendorff_alpha",
    "alpha_ci_low",
    "alpha_ci_high",
)


# --- scope -----------------------------------------------------------------------------------


def roles_for(scope: Scope) -> list[str]:
    """The roles this person holds that may open Reliability (empty: no access)."""
    return [role for role in SCOPED_ROLES if scope.has(role)]


def rater_role(role: str) -> str:
    """`role` when it may read rater-level data (supervisor, training director); else AccessDenied."""
    if role not in SCOPED_ROLES:
        raise AccessDenied(f"the {role} role does not see rater-level reliability data")
    return role


def _hidden(store, scope: Scope) -> tuple[str, ...]:
    """The people the reader is blinded to (pending scorecards of their own): left out everywhere."""
    return tuple(blind_rule.hidden_person_ids(store, scope))


def _scoped(store, scope: Scope, role: str) -> dict:
    """The parameters every person-level query takes: the role's programs and the hidden people."""
    return {
        "program_ids": readable_programs(store, scope, rater_role(role)),
        "hidden_person_ids": list(_hidden(store, scope)),
    }


def ratings(store, scope: Scope, role: str) -> pl.DataFrame:
    """Every independent rating of the interviews in scope (interview, rater, theme, score)."""
    return store.query("ratings_for_programs", **_scoped(store, scope, role))


def _patterns(store, ids: tuple[str, ...], hidden: tuple[str, ...]) -> pl.DataFrame:
    """Rating patterns per theme and quarter: summed from the materialized per-program table, or
    worked out live when the reader is blinded to someone (their units must not be counted)."""
    if hidden:
        return store.query(
            "rating_patterns_by_theme_blind", program_ids=list(ids), hidden_person_ids=list(hidden)
        )
    return store.query("rating_patterns_by_theme", program_ids=list(ids))


# --- statistics on frames (pure) ---------------------------------------------------------------


def _pattern_arrays(patterns: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The patterns' raters-per-score counts (k x 5) and their interview counts (k)."""
    return patterns.select(PATTERN_COLUMNS).to_numpy(), patterns["n_units"].to_numpy()


def _pooled(counts: np.ndarray, units: np.ndarray) -> dict:
    """Pooled over every two raters of each interview: pairs, share equal and within one point."""
    n_pairs, exact, within = agreement.pooled_agreement(counts, units)
    return {"n_pairs": n_pairs, "percent_agreement": exact, "percent_within_one": within}


def pair_figures(pairs: pl.DataFrame) -> pl.DataFrame:
    """Per theme and rater pair: n, agreement, kappa (plain and quadratic) and the pair's alpha.

    `pairs` holds score_a and score_b per interview, or per cell with its count in n_units.
    The bootstrap interval belongs to the all-raters alpha (theme_figures); a pair row leaves
    it empty, as the all-raters row leaves kappa empty.
    """
    keys = ["theme", "rater_a", "rater_b"]
    if "n_units" not in pairs.columns:
        pairs = pairs.group_by([*keys, "score_a", "score_b"]).len("n_units")
    pairs = pairs.sort(keys, maintain_order=True).with_columns(_group=pl.struct(keys).rle_id())
    groups = pairs.select(keys).unique(maintain_order=True)
    tables = np.zeros((groups.height, len(SCORES), len(SCORES)))
    np.add.at(
        tables,
        (pairs["_group"].to_numpy(), pairs["score_a"].to_numpy(), pairs["score_b"].to_numpy()),
        pairs["n_units"].to_numpy(),
    )
    figures = agreement.contingency_figures(tables)
    frame = groups.with_columns(
        n_pairs=figures["n_units"],
        alpha_ci_low=pl.lit(None, pl.Float64),
        alpha_ci_high=pl.lit(None, pl.Float64),
        **{name: values for name, values in figures.items()},
    )
    return _finish(frame.select(list(_PAIR_SCHEMA)).cast(_PAIR_SCHEMA))


_PAIR_SCHEMA = {
    "theme": pl.String,
    "rater_a": pl.String,
    "rater_b": pl.String,
    "n_units": pl.Int64,
    "n_pairs": pl.Int64,
    "percent_agreement": pl.Float64,
    "percent_within_one": pl.Float64,
    "cohen_kappa": pl.Float64,
    "weighted_kappa": pl.Float64,
    "krippendorff_alpha": pl.Float64,
    "alpha_ci_low": pl.Float64,
    "alpha_ci_high": pl.Float64,
}


def theme_figures(patterns: pl.DataFrame) -> pl.DataFrame:
    """Per theme over all raters: alpha with interval, pooled agreement, n and a plain reading."""
    rows = []
    for theme in THEMES:
        counts, units = _pattern_arrays(patterns.filter(pl.col("theme") == theme))
        interval = agreement.alpha_interval(counts, units, BOOTSTRAP_DRAWS, BOOTSTRAP_SEED)
        rows.append(
            {
                "theme": theme,
                "n_units": interval.n,
                **_pooled(counts, units),
                "krippendorff_alpha": interval.value,
                "alpha_ci_low": interval.low,
                "alpha_ci_high": interval.high,
                "reading": stats.reliability_label(interval.value),
            }
        )
    return _finish(pl.DataFrame(rows))


def quarter_figures(patterns: pl.DataFrame) -> pl.DataFrame:
    """Per theme and quarter: alpha (no interval), percent agreement and n."""
    rows = []
    keys = patterns.select("theme", "quarter").unique().sort("quarter", "theme")
    for theme, quarter in keys.iter_rows():
        subset = patterns.filter((pl.col("theme") == theme) & (pl.col("quarter") == quarter))
        counts, units = _pattern_arrays(subset)
        alpha = agreement.alpha_estimate(counts, units)
        rows.append(
            {
                "theme": theme,
                "quarter": quarter,
                "n_units": alpha.n,
                "krippendorff_alpha": alpha.value,
                **_pooled(counts, units),
            }
        )
    frame = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"theme": pl.String})
    return _finish(frame)


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Undefined statistics become null (shown empty) and small samples are marked."""
    if frame.is_empty() or "n_units" not in frame.columns:
        return frame
    return frame.with_columns(pl.selectors.float().fill_nan(None)).with_columns(
        small_sample=pl.col("n_units") < SMALL_SAMPLE
    )


# --- what the page and the report call ---------------------------------------------------------


def theme_reliability(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme: Krippendorff's alpha, its interval and reading, agreement, n (in scope)."""
    return _theme_table(
        store, tuple(readable_programs(store, scope, rater_role(role))), _hidden(store, scope)
    )


@db.memoize
def _theme_table(store, ids: tuple[str, ...], hidden: tuple[str, ...]) -> pl.DataFrame:
    return theme_figures(_patterns(store, ids, hidden))


def pair_reliability(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme and rater pair: agreement, kappas, alpha and n (in scope)."""
    return _pair_table(store, tuple(readable_programs(store, scope, rater_role(role))), _hidden(store, scope))


@db.memoize
def _pair_table(store, ids: tuple[str, ...], hidden: tuple[str, ...]) -> pl.DataFrame:
    counts = store.query("rating_pair_counts_by_theme", program_ids=list(ids), hidden_person_ids=list(hidden))
    return pair_figures(counts)


def reliability_by_quarter(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme and quarter of the interview date: alpha, agreement and n (in scope)."""
    return _quarter_table(
        store, tuple(readable_programs(store, scope, rater_role(role))), _hidden(store, scope)
    )


@db.memoize
def _quarter_table(store, ids: tuple[str, ...], hidden: tuple[str, ...]) -> pl.DataFrame:
    return quarter_figures(_patterns(store, ids, hidden))


def rater_calibration(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per rater and theme: mean difference from the interview's score, its spread and count."""
    frame = store.query("rater_calibration_by_theme", **_scoped(store, scope, role))
    return frame.with_columns(
        leaning=pl.when(pl.col("mean_difference") >= 0.5)
        .then(pl.lit("lenient"))
        .when(pl.col("mean_difference") <= -0.5)
        .then(pl.lit("severe"))
        .otherwise(pl.lit("in line")),
        small_sample=pl.col("n_ratings") < SMALL_SAMPLE,
    )


def rater_drift(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per rater and quarter: mean difference from the interview's score and its count."""
    frame = store.query("rater_drift_by_quarter", **_scoped(store, scope, role))
    return frame.with_columns(small_sample=pl.col("n_ratings") < SMALL_SAMPLE)


def disagreement_queue(store, scope: Scope, role: str, page: int | None = None) -> pl.DataFrame:
    """Interview themes whose raters differ by 2+ with no consensus in force, oldest first.

    One page of PAGE_SIZE rows when `page` (1-based) is given, else every row (for a download).
    """
    limit, offset = _window(page)
    return store.query(
        "disagreement_queue_for_programs", **_scoped(store, scope, role), limit=limit, offset=offset
    )


def disagreement_count(store, scope: Scope, role: str) -> int:
    """How many interview themes wait in the disagreement queue (in scope)."""
    return int(store.query("disagreement_total_for_programs", **_scoped(store, scope, role))["n_items"][0])


def _window(page: int | None) -> tuple[int | None, int]:
    """SQL limit and offset for a 1-based page of PAGE_SIZE rows (None: every row)."""
    if page is None:
        return None, 0
    return PAGE_SIZE, (max(page, 1) - 1) * PAGE_SIZE


def _require_interview(store, scope: Scope, role: str, interview_id: str) -> None:
    """AccessDenied unless the interview belongs to one of the role's programs."""
    found = store.query(
        "program_for_interview",
        interview_id=interview_id,
        program_ids=readable_programs(store, scope, rater_role(role)),
    )
    if found.is_empty():
        raise AccessDenied(f"interview {interview_id} is not in your programs")


def rater_evidence(store, scope: Scope, role: str, interview_id: str, theme: str) -> pl.DataFrame:
    """Each rater's score and excerpts for one interview and theme (side by side on the page)."""
    _require_interview(store, scope, role, interview_id)
    return store.query(
        "rater_evidence_for_interview",
        interview_id=interview_id,
        theme=theme,
        **_scoped(store, scope, role),
    )


def evidence_by_rater(evidence: pl.DataFrame) -> list[tuple[str, str, pl.DataFrame]]:
    """Per rater: the rater id, "Name: score N", and that rater's excerpts for the theme."""
    raters = evidence.select("rater_id", "rater_name", "score").unique(maintain_order=True)
    return [
        (
            rater_id,
            f"{name}: score {score}",
            evidence.filter(pl.col("rater_id") == rater_id)
            .drop_nulls("text")
            .select("stance", "subtheme", "text"),
        )
        for rater_id, name, score in raters.iter_rows()
    ]


def consensus_summary(row: dict) -> str:
    """One line saying which consensus is in force for an interview theme and why."""
    return (
        f"{row['interview_id']} · {row['theme']}: score {row['score']} "
        f"({row['source']}; {row['used_because']})"
    )


def consensus_in_force(store, scope: Scope, role: str, page: int | None = None) -> pl.DataFrame:
    """The consensus used per interview theme in scope, which source and why (one page or all)."""
    limit, offset = _window(page)
    return store.query(
        "consensus_in_force_for_programs", **_scoped(store, scope, role), limit=limit, offset=offset
    )


def consensus_count(store, scope: Scope, role: str) -> int:
    """How many interview themes in scope have a consensus in force."""
    return int(store.query("consensus_total_for_programs", **_scoped(store, scope, role))["n_items"][0])


def record_consensus(
    store, scope: Scope, role: str, interview_id: str, theme: str, score: int, note: str = ""
) -> dict:
    """Record the panel's consensus score (0-4, with a note); return the consensus now in force."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    if score not in SCORES:
        raise ValueError("a consensus score is a whole number from 0 to 4")
    _require_interview(store, scope, role, interview_id)
    values = {"interview_id": interview_id, "theme": theme, "score": int(score)}

    def work(cur) -> None:  # one transaction: the consensus, the interview's scores, the audit entry
        db.run_in(cur, "consensus_insert", **values, note=note.strip() or None, recorded_by=scope.email)
        db.refresh_interview(cur, interview_id)
        audit.record_in(cur, scope, "consensus", f"{interview_id}/{theme}", 1, role=role)

    db.transaction(store, work, name="consensus")
    in_force = consensus_in_force(store, scope, role).filter(
        (pl.col("interview_id") == interview_id) & (pl.col("theme") == theme)
    )
    return in_force.row(0, named=True)


# --- the report ----------------------------------------------------------------------------------


def reliability_report_frame(store, scope: Scope, role: str = "supervisor") -> pl.DataFrame:
    """The report: one row per theme and rater pair plus an all-raters row per theme."""
    pairs = pair_reliability(store, scope, role)
    themes = theme_reliability(store, scope, role).with_columns(
        rater_a=pl.lit(None, pl.String),
        rater_b=pl.lit(None, pl.String),
        cohen_kappa=pl.lit(None, pl.Float64),
        weighted_kappa=pl.lit(None, pl.Float64),
    )
    order = {theme: i for i, theme in enumerate(THEMES)}
    combined = pl.concat([themes.select(REPORT_COLUMNS), pairs.select(REPORT_COLUMNS)])
    return (
        combined.with_columns(_order=pl.col("theme").replace_strict(order, default=len(order)))
        .sort(["_order", "rater_a", "rater_b"], nulls_last=False)
        .drop("_order")
        # 12 decimals keep every figure exact to 1e-9 and keep float noise out of the CSV.
        .with_columns(pl.selectors.float().round(12))
    )
