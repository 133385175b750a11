"""The validation study in words: a Markdown summary a director or counsel can read (what was
tested, n, results, what cannot be concluded yet, limits) and a one-line headline. Built only from
leadership's suppressed frames (validation.py), so it can go anywhere those may (the board report
can reuse `summary_markdown`)."""

from __future__ import annotations

import polars as pl

from dashboard.core.access import Scope
from dashboard.leadership import validation as v
from dashboard.leadership import validation_data as data
from dashboard.leadership.privacy import THRESHOLD

LIMITS = (
    "Observational data from this program's own hires: associations, not causes.",
    "Only hires have outcomes. The correction for selection (Thorndike Case II) assumes hiring "
    "selected directly on the score; where other things drove hiring it is approximate.",
    "Retention curves treat people still employed as censored on the as-of date; leaving for "
    "reasons unrelated to work (relocation, retirement) counts as leaving.",
    "Many groups, themes and raters are compared: some intervals will exclude 0 by chance. A flag "
    "or a difference is a reason to look closer, not a finding on its own.",
    "The themes come from an exploratory study of 15 therapists with no comparison group.",
)


def _plain(text) -> str:
    """A data value (an outcome measure's name) with Markdown's special characters escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~" else ch for ch in str(text))


def _num(value, digits: int = 2) -> str:
    """A number for prose ('n/a' when missing)."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def _composite_rows(validity: pl.DataFrame) -> list[str]:
    lines = []
    for row in validity.filter(pl.col("predictor") == data.COMPOSITE).iter_rows(named=True):
        if row["r"] is None:
            lines.append(
                f"- {_plain(row['measure'])}: hires {row['hires']}; not estimated ({row['note'] or 'too few'})."
            )
            continue
        lines.append(
            f"- {_plain(row['measure'])}: r = {_num(row['r'])} (95% CI {_num(row['low'])} to {_num(row['high'])}), "
            f"hires {row['hires']}; u = {_num(row['u'])}; corrected for selection r = "
            f"{_num(row['r_corrected'])} ({_num(row['r_corrected_low'])} to {_num(row['r_corrected_high'])})."
        )
    return lines or ["- No hire has an outcome yet."]


def _hazard_line(hazards: pl.DataFrame) -> str:
    row = hazards.filter(pl.col("predictor") == data.COMPOSITE).row(0, named=True) if hazards.height else None
    if row is None or row["hazard_ratio"] is None:
        return f"- Composite: not estimated ({(row or {}).get('reason') or 'no hires'})."
    return (
        f"- Composite: hazard ratio {_num(row['hazard_ratio'])} per point "
        f"(95% CI {_num(row['low'])} to {_num(row['high'])}, p = {_num(row['p'], 3)}; "
        f"hires {row['hires']}, leavers {row['events']}); proportional hazards: "
        f"{row['proportional_hazards'] or 'not checked'}."
    )


def headline(store, scope: Scope, as_of=None, programs=None) -> str:
    """One sentence: the composite's validity against 12-month retention, or why there is none."""
    table = v.validity_table(store, scope, programs, as_of)
    row = table.filter((pl.col("predictor") == data.COMPOSITE) & (pl.col("measure") == data.RETAINED))
    if row.is_empty() or row["r"][0] is None:
        return "Not enough hires with 12 months of follow-up yet to estimate validity against retention."
    r = row.row(0, named=True)
    return (
        f"The composite's validity for 12-month retention: r = {_num(r['r'])} "
        f"(95% CI {_num(r['low'])} to {_num(r['high'])}, hires {r['hires']}), "
        f"{_num(r['r_corrected'])} corrected for selection; the benchmark for structured interviews is .42."
    )


def summary_markdown(store, scope: Scope, as_of=None, programs=None, threshold: int = THRESHOLD) -> str:
    """The validation summary as Markdown (counts 1 to the threshold shown as '<11')."""
    when = data.as_of_date(as_of)
    groups = v.retention_groups(store, scope, programs, when, threshold)
    hazards = v.hazards(store, scope, programs, when, threshold)
    validity = v.validity_table(store, scope, programs, when, threshold)
    precision = v.precision_table(store, scope, programs, when, threshold)
    gaps = v.score_gaps(store, scope, programs, threshold)
    cleary = v.differential(store, scope, programs, when, threshold)
    logrank = v.logrank(store, scope, programs, when, threshold).row(0, named=True)
    everyone = groups.filter(pl.col("band") == "all").row(0, named=True)
    big_gaps = gaps.filter(pl.col("low") > 0.2) if gaps.height else gaps
    big_gaps = pl.concat([big_gaps, gaps.filter(pl.col("high") < -0.2)]) if gaps.height else gaps
    slopes = (
        cleary.filter((pl.col("slope_low") > 0) | (pl.col("slope_high") < 0)) if cleary.height else cleary
    )
    tested = cleary.filter(pl.col("slope_difference").is_not_null()).height if cleary.height else 0
    needed = precision.filter(pl.col("true_r") == 0.30).head(1)
    lines = [
        f"# Local validation study (as of {when.isoformat()})",
        "",
        "## What was tested",
        "Whether the six interview themes and their composite (the mean of the themes scored) predict "
        "who stays and how hires do, and whether the scores treat groups alike. Definitions: a hire's "
        "profile is the theme scores of their latest hiring interview before the hire date; tenure runs "
        "from the hire date to leaving or, for people still employed, to the as-of date (censored).",
        "",
        "## Retention over time",
        f"- Hires with a profile: {everyone['hires']}; leavers: {everyone['leavers']}; median tenure: "
        f"{_num(everyone['median_months'], 1) + ' months' if everyone['median_months'] else everyone['note']}.",
        f"- Log-rank test between bands ({logrank['bands'] or 'none'}): "
        + (
            f"chi-square {_num(logrank['chi_square'])}, df {_num(logrank['df'], 0)}, p = {_num(logrank['p'], 3)}."
            if logrank["p"] is not None
            else f"not tested ({logrank['note']})."
        ),
        _hazard_line(hazards),
        "",
        "## Validity (composite)",
        *_composite_rows(validity),
        f"- Benchmark: {v.BENCHMARK_TEXT}.",
        "",
        "## How precise, and how long until we know",
        (
            f"- To detect r = .30 with 80% power needs {needed['hires_needed'][0]} hires "
            f"({_plain(needed['measure'][0])}: {needed['hires'][0]} so far; about {needed['about_when'][0] or 'unknown'} "
            f"at {_num(needed['hires_per_year'][0], 1)} hires a year)."
            if needed.height
            else "- No outcomes yet: precision cannot be judged."
        ),
        "",
        "## Fairness of the scores",
        f"- Standardized differences (Cohen's d) whose 95% interval lies beyond ±0.2: {big_gaps.height} "
        f"of {gaps.filter(pl.col('d').is_not_null()).height} shown (group minus the largest group, applicants).",
        f"- Differential prediction (Cleary): {tested} comparisons could be tested; slopes differing "
        f"(interval excludes 0): {slopes.height}. Others: too few to test.",
        f"- Raters flagged for treating a group differently (Reliability, Rater × group): "
        f"{v.flagged_rater_count(store, scope, programs)}.",
        "",
        "## What cannot be concluded yet",
        "- Any estimate whose interval includes 0, and every group hidden for having "
        f"{threshold} or fewer people.",
        "- Whether the themes cause better retention or outcomes.",
        "",
        "## Limits",
        *(f"- {limit}" for limit in LIMITS),
        "",
    ]
    return "\n".join(lines)
