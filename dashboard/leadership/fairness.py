"""Fairness in hiring: selection rates by self-identified group and the four-fifths rule.

The only module that reads the optional, restricted demographics table (through the queries
`selection_by_demographic_group` and `demographic_group_by_person`; the validation study's score
gaps, differential prediction and rater-by-group gaps get each person's group from
`groups_by_person` and return only aggregates). `selection_table` is the compliance officer's unsuppressed
table (the `report fairness` command); `fairness_page_table` is what the leadership page shows:
the same table with small cells suppressed and anything that would reveal them hidden.
"""

from __future__ import annotations

import polars as pl

from dashboard.core import stats
from dashboard.core.access import Scope
from dashboard.leadership import privacy
from dashboard.leadership.privacy import ROLE, THRESHOLD, aggregate, chosen_programs

TRANSITIONS = (
    ("applied->interviewed", "applied", "interviewed"),
    ("interviewed->offered", "interviewed", "offered"),
    ("offered->hired", "offered", "hired"),
    ("applied->hired", "applied", "hired"),
)
DIMENSIONS = ("sex", "race_ethnicity", "sex_x_race_ethnicity")
COLUMNS = (
    "stage",
    "dimension",
    "group",
    "applicants",
    "selected",
    "selection_rate",
    "impact_ratio",
    "fisher_p",
    "flag",
)


def transition_counts(stage_counts: pl.DataFrame) -> pl.DataFrame:
    """Long frame (stage, dimension, group, applicants, selected) from per-group stage counts."""
    parts = [
        stage_counts.select(
            pl.lit(name).alias("stage"),
            "dimension",
            pl.col("group_label").alias("group"),
            pl.col(start).cast(pl.Int64).alias("applicants"),
            pl.col(end).cast(pl.Int64).alias("selected"),
        )
        for name, start, end in TRANSITIONS
    ]
    return pl.concat(parts)


def with_impact_ratios(counts: pl.DataFrame) -> pl.DataFrame:
    """Selection rate, impact ratio, Fisher p and flag per group, within each stage and dimension."""
    parts = []
    for name, _, _ in TRANSITIONS:
        for dimension in DIMENSIONS:
            part = counts.filter((pl.col("stage") == name) & (pl.col("dimension") == dimension))
            if part.height:
                parts.append(stats.impact_ratios(part))
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String))
    return pl.concat(parts).select(COLUMNS)


def selection_table(store, scope: Scope, programs=None) -> pl.DataFrame:
    """The unsuppressed fairness table (columns COLUMNS), for the compliance officer."""
    ids = chosen_programs(store, scope, programs)
    raw = store.query("selection_by_demographic_group", program_ids=ids)
    return with_impact_ratios(transition_counts(raw))


def suppress_selection(table: pl.DataFrame, threshold: int = THRESHOLD) -> pl.DataFrame:
    """Hide small selected / not-selected cells per stage and dimension, and what reveals them.

    Within one stage and dimension the group rows and the selected / not selected columns form
    a table whose totals are public; a hidden cell's rate, impact ratio and p-value are hidden
    too. Counts become text ('<11' or 'suppressed').
    """
    parts = []
    for _, part in table.group_by("stage", "dimension", maintain_order=True):
        cells = part.select("group", "selected", not_selected=pl.col("applicants") - pl.col("selected"))
        long = cells.unpivot(index="group", variable_name="_outcome", value_name="_n")
        cut = privacy.suppress_table(long, "group", "_outcome", "_n", threshold=threshold)
        hidden = cut.group_by("group").agg(_hid=pl.col("suppressed").any())
        parts.append(part.join(hidden, on="group", how="left"))
    if not parts:
        return table.with_columns(pl.col("applicants", "selected").cast(pl.String))
    joined = pl.concat(parts)
    small = pl.col("applicants").is_between(1, threshold)
    hide = pl.col("_hid") | small
    shown = privacy.primary_display(threshold)
    return joined.select(
        "stage",
        "dimension",
        "group",
        applicants=pl.when(small).then(pl.lit(shown)).otherwise(pl.col("applicants").cast(pl.String)),
        selected=pl.when(pl.col("selected").is_between(1, threshold))
        .then(pl.lit(shown))
        .when(hide)
        .then(pl.lit(privacy.COMPLEMENTARY_DISPLAY))
        .otherwise(pl.col("selected").cast(pl.String)),
        selection_rate=pl.when(hide).then(None).otherwise(pl.col("selection_rate")),
        impact_ratio=pl.when(hide).then(None).otherwise(pl.col("impact_ratio")),
        fisher_p=pl.when(hide).then(None).otherwise(pl.col("fisher_p")),
        flag="flag",
    )


@aggregate
def fairness_page_table(store, scope: Scope, programs=None, threshold: int = THRESHOLD) -> pl.DataFrame:
    """What the Fairness page shows: the selection table with small cells suppressed."""
    scope.require(ROLE)
    return suppress_selection(selection_table(store, scope, programs), threshold)


def groups_by_person(store, program_ids) -> pl.DataFrame:
    """Each applicant to the programs in every dimension: person_id, dimension, group (person-level:
    for the validation study's data functions only, which return aggregates)."""
    raw = store.query("demographic_group_by_person", program_ids=list(program_ids))
    return raw.rename({"group_label": "group"})
