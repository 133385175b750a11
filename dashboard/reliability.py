"""Can we trust the ratings? Inter-rater reliability, rater calibration and the consensus queue.

Units are interviews; values are the independent 0-4 scores in `ratings` (a theme not rated is
missing, never 0). Per theme and rater pair: percent exact agreement, percent within one point,
Cohen's kappa (unweighted and quadratic-weighted) on the interviews both rated. Per theme over
all raters: ordinal Krippendorff's alpha with a seeded bootstrap interval over interviews. The
statistics come from `dashboard.stats`; this module fetches the scores a reader may see, shapes
them and records the consensus a panel agrees on.

Every data function takes `(store, scope, role)`; `role` is supervisor or training_director and
limits the interviews to that role's programs (leadership never sees this person-level data).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from dashboard import audit, codebook, db, stats
from dashboard.auth import AccessDenied, Scope, allowed_programs
from dashboard.cli import report

ROLES = ("supervisor", "training_director")
ROLE_LABELS = {"supervisor": "Supervisor", "training_director": "Training director"}
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 2007
SCORES = (0, 1, 2, 3, 4)
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
    return [role for role in ROLES if scope.has(role)]


def program_ids(store, scope: Scope, role: str) -> list[str]:
    """The programs whose interviews `role` lets this person read; AccessDenied otherwise."""
    if role not in ROLES:
        raise AccessDenied(f"the {role} role does not see rater-level reliability data")
    return allowed_programs(store, scope, role)


def ratings(store, scope: Scope, role: str) -> pl.DataFrame:
    """Every independent rating of the interviews in scope (interview, rater, theme, score)."""
    return store.query("ratings_by_interview", program_ids=program_ids(store, scope, role))


def rating_pairs(store, scope: Scope, role: str) -> pl.DataFrame:
    """The paired scores of every two raters on the same interview and theme, in scope."""
    return store.query("rating_pairs_by_theme", program_ids=program_ids(store, scope, role))


# --- statistics on frames (pure) ---------------------------------------------------------------


def rating_matrix(frame: pl.DataFrame) -> np.ndarray:
    """Raters x interviews matrix of scores (nan where a rater did not rate) for one theme."""
    if frame.is_empty():
        return np.empty((0, 0))
    wide = frame.pivot(on="interview_id", index="rater_id", values="score", sort_columns=True)
    return wide.drop("rater_id").cast(pl.Float64).fill_null(np.nan).to_numpy()


@lru_cache(maxsize=256)
def _cached_interval(shape: tuple[int, int], data: bytes) -> stats.Interval:
    # The bootstrap takes a fraction of a second per matrix and a page reruns on every click.
    matrix = np.frombuffer(data, dtype=float).reshape(shape)
    return stats.alpha_bootstrap_ci(matrix, draws=BOOTSTRAP_DRAWS, seed=BOOTSTRAP_SEED)


def alpha_interval(matrix: np.ndarray) -> stats.Interval:
    """Ordinal alpha of a raters x units matrix with its seeded 95% bootstrap interval."""
    matrix = np.ascontiguousarray(matrix, dtype=float)
    if matrix.size == 0:
        return stats.Interval(np.nan, np.nan, np.nan, 0)
    return _cached_interval(matrix.shape, matrix.tobytes())


def _agreement(pairs: pl.DataFrame) -> dict:
    """Share (0-1) of paired scores exactly equal and at most one point apart, with n."""
    exact = stats.percent_agreement(pairs["score_a"], pairs["score_b"])
    within = stats.percent_within_one(pairs["score_a"], pairs["score_b"])
    return {
        "n_pairs": exact.n,
        "percent_agreement": exact.value,
        "percent_within_one": within.value,
    }


def pair_figures(pairs: pl.DataFrame) -> pl.DataFrame:
    """Per theme and rater pair: n, agreement, kappa (plain and quadratic) and the pair's alpha.

    The bootstrap interval belongs to the all-raters alpha (theme_figures); a pair row leaves
    it empty, as the all-raters row leaves kappa empty (and 1,000 resamples per pair would
    make the page wait tens of seconds).
    """
    rows = []
    for (theme, rater_a, rater_b), group in pairs.group_by(
        ["theme", "rater_a", "rater_b"], maintain_order=True
    ):
        a, b = group["score_a"], group["score_b"]
        alpha = stats.krippendorff_alpha_ordinal(np.vstack([a.to_numpy(), b.to_numpy()]))
        rows.append(
            {
                "theme": theme,
                "rater_a": rater_a,
                "rater_b": rater_b,
                "n_units": group.height,
                **_agreement(group),
                "cohen_kappa": stats.cohen_kappa(a, b).value,
                "weighted_kappa": stats.cohen_kappa(a, b, weights="quadratic").value,
                "krippendorff_alpha": alpha.value,
                "alpha_ci_low": None,
                "alpha_ci_high": None,
            }
        )
    return _finish(pl.DataFrame(rows, schema=_PAIR_SCHEMA))


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


def theme_figures(ratings_frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Per theme over all raters: alpha with interval, pooled agreement, n and a plain reading."""
    rows = []
    for theme in codebook.THEME_ORDER:
        theme_pairs = pairs.filter(pl.col("theme") == theme)
        interval = alpha_interval(rating_matrix(ratings_frame.filter(pl.col("theme") == theme)))
        rows.append(
            {
                "theme": theme,
                "n_units": interval.n,
                **_agreement(theme_pairs),
                "krippendorff_alpha": interval.value,
                "alpha_ci_low": interval.low,
                "alpha_ci_high": interval.high,
                "reading": stats.reliability_label(interval.value),
            }
        )
    return _finish(pl.DataFrame(rows))


def quarter_figures(ratings_frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Per theme and quarter: alpha (no interval), percent agreement and n."""
    rows = []
    keys = ratings_frame.select("theme", "quarter").unique().sort("quarter", "theme")
    for theme, quarter in keys.iter_rows():
        subset = ratings_frame.filter((pl.col("theme") == theme) & (pl.col("quarter") == quarter))
        alpha = stats.krippendorff_alpha_ordinal(rating_matrix(subset))
        quarter_pairs = pairs.filter((pl.col("theme") == theme) & (pl.col("quarter") == quarter))
        rows.append(
            {
                "theme": theme,
                "quarter": quarter,
                "n_units": alpha.n,
                "krippendorff_alpha": alpha.value,
                **_agreement(quarter_pairs),
            }
        )
    frame = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"theme": pl.String})
    return _finish(frame)


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Undefined statistics become null (shown empty) and small samples are marked."""
    if frame.is_empty() or "n_units" not in frame.columns:
        return frame
    return frame.with_columns(pl.selectors.float().fill_nan(None)).with_columns(
        small_sample=pl.col("n_units") < stats.SMALL_N
    )


# --- what the page and the report call ---------------------------------------------------------


def theme_reliability(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme: Krippendorff's alpha, its interval and reading, agreement, n (in scope)."""
    return theme_figures(ratings(store, scope, role), rating_pairs(store, scope, role))


def pair_reliability(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme and rater pair: agreement, kappas, alpha and n (in scope)."""
    return pair_figures(rating_pairs(store, scope, role))


def reliability_by_quarter(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per theme and quarter of the interview date: alpha, agreement and n (in scope)."""
    return quarter_figures(ratings(store, scope, role), rating_pairs(store, scope, role))


def rater_calibration(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per rater and theme: mean difference from the interview's score, its spread and count."""
    frame = store.query("rater_calibration_by_theme", program_ids=program_ids(store, scope, role))
    return frame.with_columns(
        leaning=pl.when(pl.col("mean_difference") >= 0.5)
        .then(pl.lit("lenient"))
        .when(pl.col("mean_difference") <= -0.5)
        .then(pl.lit("severe"))
        .otherwise(pl.lit("in line")),
        small_sample=pl.col("n_ratings") < stats.SMALL_N,
    )


def rater_drift(store, scope: Scope, role: str) -> pl.DataFrame:
    """Per rater and quarter: mean difference from the interview's score and its count."""
    frame = store.query("rater_drift_by_quarter", program_ids=program_ids(store, scope, role))
    return frame.with_columns(small_sample=pl.col("n_ratings") < stats.SMALL_N)


def disagreement_queue(store, scope: Scope, role: str) -> pl.DataFrame:
    """Interview themes whose raters differ by 2+ with no consensus in force, oldest first."""
    return store.query("disagreement_queue_by_interview", program_ids=program_ids(store, scope, role))


def _require_interview(store, scope: Scope, role: str, interview_id: str) -> None:
    """AccessDenied unless the interview belongs to one of the role's programs."""
    found = store.query(
        "interview_program", interview_id=interview_id, program_ids=program_ids(store, scope, role)
    )
    if found.is_empty():
        raise AccessDenied(f"interview {interview_id} is not in your programs")


def rater_evidence(store, scope: Scope, role: str, interview_id: str, theme: str) -> pl.DataFrame:
    """Each rater's score and excerpts for one interview and theme (side by side on the page)."""
    _require_interview(store, scope, role, interview_id)
    return store.query(
        "rater_evidence_by_interview",
        interview_id=interview_id,
        theme=theme,
        program_ids=program_ids(store, scope, role),
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


def consensus_in_force(store, scope: Scope, role: str) -> pl.DataFrame:
    """The consensus used per interview theme in scope, which source and why."""
    return store.query("consensus_by_interview", program_ids=program_ids(store, scope, role))


def record_consensus(
    store, scope: Scope, role: str, interview_id: str, theme: str, score: int, note: str = ""
) -> dict:
    """Record the panel's consensus score (0-4, with a note); return the consensus now in force."""
    if theme not in codebook.THEME_ORDER:
        raise ValueError(f"unknown theme {theme!r}")
    if score not in SCORES:
        raise ValueError("a consensus score is a whole number from 0 to 4")
    _require_interview(store, scope, role, interview_id)
    store.execute(
        "consensus_insert",
        interview_id=interview_id,
        theme=theme,
        score=int(score),
        note=note.strip() or None,
        recorded_by=scope.email,
    )
    db.refresh_scores(store.con, interview_id)
    audit.record(store, scope, "consensus", f"{interview_id}/{theme}", 1, role=role)
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
    order = {theme: i for i, theme in enumerate(codebook.THEME_ORDER)}
    combined = pl.concat([themes.select(REPORT_COLUMNS), pairs.select(REPORT_COLUMNS)])
    return (
        combined.with_columns(_order=pl.col("theme").replace_strict(order, default=len(order)))
        .sort(["_order", "rater_a", "rater_b"], nulls_last=False)
        .drop("_order")
        # 12 decimals keep every figure exact to 1e-9 and keep float noise out of the CSV.
        .with_columns(pl.selectors.float().round(12))
    )


@report("reliability", "inter-rater reliability per theme and rater pair (all programs)")
def reliability_report(store, args):
    """Agreement, Cohen's kappa and Krippendorff's alpha per theme and rater pair."""
    return reliability_report_frame(store, Scope.system())
