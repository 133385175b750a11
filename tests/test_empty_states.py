"""Empty states: where a chart or table has nothing to show, the page says why in words instead of
drawing an empty axis or an empty grid."""

from __future__ import annotations

import polars as pl
from conftest import open_tab

from dashboard.core import labels
from dashboard.core.access import Scope
from dashboard.leadership import evidence
from dashboard.store import db

OVERVIEW_TABS = ("Theme prevalence", "Hiring funnel", "Cohort growth")


def test_evidence_says_why_when_every_outcome_group_is_too_small(db_file, app_as):
    store = db.Store.open(db_file, read_only=True)
    bands = evidence.outcomes_by_band(store, Scope("l", (("leadership", ""),)))
    store.close()
    first = bands["measure"][0]
    # the sample data: 12-month retention is hidden in every band (each too small to show)
    assert bands.filter(pl.col("measure") == first)["value"].is_null().all()
    at = open_tab(app_as("leadership", page="views/evidence.py"), "evidence_tab", "Outcomes after hire")
    assert at.selectbox(key="evidence_measure").value == first
    reasons = [i.value for i in at.info if "or fewer people" in i.value]
    assert reasons == [labels.empty_reason(bands.filter(pl.col("measure") == first), "value")]
    drawn = len(at.get("vega_lite_chart"))
    shown = next(m for m in bands["measure"].unique(maintain_order=True) if m != first)
    at.selectbox(key="evidence_measure").select(shown).run()
    assert len(at.get("vega_lite_chart")) == drawn + 1  # an outcome with shown groups is drawn
    assert not [i for i in at.info if "or fewer people" in i.value]


def test_overview_says_why_when_the_filters_leave_nothing(app_as):
    at = app_as("leadership", page="views/overview.py")
    drawn, said = 0, []
    for tab in OVERVIEW_TABS:  # every section drawn before the filters
        drawn += len(open_tab(at, "overview_tab", tab).get("vega_lite_chart"))
    assert drawn == 3
    # a program of one site with another site chosen: nothing left for any chart
    at.multiselect(key="overview_programs").set_value(["P01"])  # at site S1
    at.multiselect(key="overview_sites").set_value(["S2"])
    at.run()
    assert not at.exception
    left = 0
    for tab in OVERVIEW_TABS:
        left += len(open_tab(at, "overview_tab", tab).get("vega_lite_chart"))
        said += [i.value for i in at.info]
    assert left < drawn and said
    assert all("for these sites, programs and years" in s or "or fewer" in s for s in said), said
