"""Screening: the score rules, blind codes, decisions, the report, the charts, and the pages.

A small hand-made program (TP1, with one applicant of TP2 beside it) is added to a copy of the
sample database, so every expected number below is worked out by hand.
"""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest
from conftest import SAMPLE, build, grant, signed_in_app

from dashboard import charts, cli
from dashboard.core import labels
from dashboard.core.access import AccessDenied, Scope
from dashboard.hiring import hidden_names, screening
from dashboard.ingest.importer import import_batch
from dashboard.store import db
from dashboard.ui import widgets

SUP = "sup@example.org"
TRICKY = "**bold** <script>alert('x')</script> [link](http://evil.example)"

ROWS = {
    "sites": [("ST", "Test site", "T")],
    "programs": [("TP1", "ST", "Test adults", "adults"), ("TP2", "ST", "Test youth", "youth")],
    "people": [
        ("TU1", "Ann Tester", None),
        ("TU2", "Bo Tester", None),
        ("TU3", "Cy Tester", None),
        ("TU4", "Di Elsewhere", None),
    ],
    "raters": [("TR1", "Rater One"), ("TR2", "Rater Two")],
    "applications": [
        ("TA1", "TU1", "TP1", "Clinician", "2025-01-10", "interviewed", "open", None),
        ("TA2", "TU2", "TP1", "Peer specialist", "2025-02-15", "applied", "open", None),
        ("TA3", "TU3", "TP1", "Clinician", "2025-01-05", "interviewed", "open", None),
        ("TA4", "TU4", "TP2", "Clinician", "2025-01-01", "interviewed", "open", None),
    ],
    "interviews": [
        ("TI1", "TU1", "TP1", "TA1", "2025-02-01", "hiring"),
        ("TI2", "TU1", "TP1", "TA1", "2025-03-01", "hiring"),
        ("TI3", "TU3", "TP1", "TA3", "2025-02-10", "hiring"),
        ("TI4", "TU4", "TP2", "TA4", "2025-02-10", "hiring"),
    ],
    "ratings": [
        ("TI1", "TR1", "balance", 3),
        ("TI1", "TR2", "balance", 4),  # mean 3.5
        ("TI1", "TR1", "adaptiveness", 1),
        ("TI1", "TR2", "adaptiveness", 3),  # differ, consensus 2
        ("TI1", "TR1", "transcendence", 0),
        ("TI1", "TR2", "transcendence", 2),  # differ, pending
        ("TI1", "TR1", "learning", 4),
        ("TI1", "TR2", "learning", 4),  # superseded by TI2
        ("TI2", "TR1", "learning", 2),
        ("TI2", "TR2", "learning", 2),
        *[
            (i, r, t, 3)
            for i in ("TI3",)
            for r in ("TR1", "TR2")
            for t in ("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
        ],
        ("TI4", "TR1", "balance", 4),
        ("TI4", "TR2", "balance", 4),
    ],  # fmt: skip
    "consensus": [("TI1", "adaptiveness", 2, "2025-02-05"), ("TI2", "fit", 3, "2025-03-05")],
    "excerpts": [
        ("TX1", "TI1", "TR1", "balance", None, "supports", "I keep Sundays for the garden"),
        ("TX2", "TI1", "TR2", "transcendence", "spiritual", "counter", "It is only a job to me"),
        ("TX3", "TI2", "TR1", "fit", "intimacy", "supports", TRICKY),
        ("TX4", "TI4", "TR1", "balance", None, "supports", "Elsewhere's secret words"),
    ],
}


@pytest.fixture
def test_db(db_file):
    """The sample database plus the hand-made programs TP1 and TP2; a supervisor of TP1 only."""
    con = db.connect(db_file)
    build(con, ROWS)
    con.close()
    grant(db_file, SUP, "supervisor", ("TP1",))
    return db_file


@pytest.fixture
def store(test_db, store_at):
    """An uncached store on the test database."""
    return store_at(test_db)


SUPERVISOR = Scope(SUP, (("supervisor", "TP1"),))


def _row(frame: pl.DataFrame, application_id: str) -> dict:
    return frame.filter(pl.col("application_id") == application_id).row(0, named=True)


# --- score rules ----------------------------------------------------------------------------


def test_scores_use_consensus_else_mean_from_the_latest_interview(store):
    ann = _row(screening.ranked_applicants(store, SUPERVISOR, "TP1"), "TA1")
    assert ann["balance"] == 3.5  # mean of 3 and 4
    assert ann["adaptiveness"] == 2.0  # the consensus, not the mean of 1 and 3
    assert ann["transcendence"] == 1.0  # no consensus yet: the mean
    assert ann["learning"] == 2.0  # the later interview, not the earlier 4
    assert ann["fit"] == 3.0  # consensus only, no ratings
    assert ann["beliefs"] is None  # never probed: missing, never 0
    assert ann["themes_at_3"] == 2
    assert ann["mean_score"] == 2.3
    assert (ann["supporting"], ann["counter"], ann["interviews"]) == (2, 1, 2)


def test_disagreement_is_marked_and_pending_when_no_consensus(store):
    table = screening.ranked_applicants(store, SUPERVISOR, "TP1")
    assert _row(table, "TA1")["raters_differ"] == "adaptiveness, transcendence (pending)"
    assert _row(table, "TA3")["raters_differ"] == ""


def test_coverage_gap_lists_themes_never_probed(store):
    table = screening.ranked_applicants(store, SUPERVISOR, "TP1")
    assert _row(table, "TA1")["never_probed"] == "beliefs"
    assert _row(table, "TA3")["never_probed"] == ""
    no_interview = _row(table, "TA2")
    assert no_interview["never_probed"] == "balance, adaptiveness, transcendence, learning, fit, beliefs"
    assert no_interview["themes_at_3"] == 0 and no_interview["mean_score"] is None


def test_default_order_is_themes_at_3_then_mean_then_applied_date(store):
    table = screening.ranked_applicants(store, SUPERVISOR, "TP1")
    assert table["application_id"].to_list() == ["TA3", "TA1", "TA2"]


def test_filters_narrow_the_rows(store):
    def ids(**kw):
        filters = screening.ScreeningFilters(**kw)
        return screening.screening_table(store, SUPERVISOR, "TP1", filters)["application_id"].to_list()

    from datetime import date

    assert ids(positions=("Clinician",)) == ["TA3", "TA1"]
    assert ids(stages=("applied",)) == ["TA2"]
    assert ids(applied_from=date(2025, 1, 8)) == ["TA1", "TA2"]
    assert ids(applied_to=date(2025, 1, 8)) == ["TA3"]
    assert ids(min_scores={"balance": 3.5}) == ["TA1"]
    assert ids(min_scores={"beliefs": 1}) == ["TA3"]  # not rated fails a minimum
    assert ids(min_scores={"beliefs": 0}) == ["TA3", "TA1", "TA2"]


def test_a_supervisor_reads_only_their_programs(store):
    assert set(screening.ranked_applicants(store, SUPERVISOR)["program_id"]) == {"TP1"}
    with pytest.raises(AccessDenied):
        screening.ranked_applicants(store, SUPERVISOR, "TP2")
    with pytest.raises(AccessDenied):
        screening.candidate_detail(store, SUPERVISOR, "TA4")
    with pytest.raises(AccessDenied):
        screening.candidate_detail(store, SUPERVISOR, "NO-SUCH-APPLICATION")
    with pytest.raises(AccessDenied):
        screening.record_decision(store, SUPERVISOR, "TA4", "advance")
    with pytest.raises(AccessDenied):
        screening.ranked_applicants(store, Scope("lead@example.org", (("leadership", ""),)))


def test_candidate_detail_has_raters_consensus_excerpts_and_history(store):
    detail = screening.candidate_detail(store, SUPERVISOR, "TA1")
    adaptiveness = detail.score_table.filter(pl.col("theme") == "adaptiveness").row(0, named=True)
    assert (
        adaptiveness["Rater One"],
        adaptiveness["Rater Two"],
        adaptiveness["consensus_score"],
    ) == (1, 3, 2)
    assert "consensus reached" in adaptiveness["mark"]
    assert set(detail.excerpts["excerpt_id"]) == {"TX1", "TX2", "TX3"}
    assert detail.interviews["interview_id"].to_list() == ["TI2", "TI1"]
    profile = screening.profile_chart_frame(detail.profile, detail.ratings)
    beliefs = profile.filter(pl.col("theme") == "beliefs")
    assert beliefs.height == 1 and not beliefs["rated"][0]
    learning_raters = profile.filter((pl.col("theme") == "learning") & (pl.col("series") != "score used"))
    assert learning_raters["value"].to_list() == [2.0, 2.0]  # the raters of the interview used


def test_compare_shows_the_strongest_supporting_excerpt(store):
    comparison = screening.compare(store, SUPERVISOR, ["TA1", "TA3"])
    fit = comparison.table.filter(pl.col("theme") == "fit").row(0, named=True)
    assert fit["Ann Tester"] == f"3.0 — {TRICKY}"
    assert fit["Cy Tester"] == "3.0 — (no supporting excerpt)"
    beliefs = comparison.table.filter(pl.col("theme") == "beliefs").row(0, named=True)
    assert beliefs["Ann Tester"].startswith("not rated")
    with pytest.raises(AccessDenied):
        screening.compare(store, SUPERVISOR, ["TA1", "TA4"])
    with pytest.raises(ValueError):
        screening.compare(store, SUPERVISOR, ["TA1"])


# --- blind review ---------------------------------------------------------------------------


def test_blind_codes_are_stable_keyed_and_lifted_by_a_decision(store):
    blinded = screening.screening_table(store, SUPERVISOR, "TP1", hide_names=True)
    codes = dict(zip(blinded["application_id"], blinded["candidate"], strict=True))
    assert len(set(codes.values())) == 3
    assert not any("Tester" in c for c in codes.values())
    assert screening.screening_table(store, SUPERVISOR, "TP1", hide_names=True)[
        "candidate"
    ].to_list() == list(codes.values())
    # not a plain hash of the id: nobody without the database's secret can recompute it
    for application_id, code in codes.items():
        assert application_id not in code
        for algo in ("md5", "sha1", "sha256"):
            plain = hashlib.new(algo, application_id.encode()).hexdigest()[:8].upper()
            assert plain not in code
    assert hidden_names.blind_code("another-secret", "TA1") != codes["TA1"]
    shown = screening.visible_columns(blinded, hide_names=True)
    assert "application_id" not in shown.columns and "full_name" not in shown.columns
    assert "TA1" not in shown.write_csv()
    screening.record_decision(store, SUPERVISOR, "TA1", "advance", "decided")
    after = screening.screening_table(store, SUPERVISOR, "TP1", hide_names=True)
    assert _row(after, "TA1")["candidate"] == "Ann Tester"
    assert _row(after, "TA3")["candidate"] == codes["TA3"]


def test_the_blind_secret_is_made_with_the_database_and_kept(test_db, store_at):
    first = store_at(test_db)
    secret = hidden_names.blind_secret(first)
    first.close()
    second = store_at(test_db)
    assert hidden_names.blind_secret(second) == secret and len(secret) == 64


def test_a_blind_view_writes_nothing_and_keeps_the_cache(test_db, store_at):
    store = store_at(test_db)
    before = db.data_version(test_db)
    blind_rows = screening.screening_table(store, SUPERVISOR, "TP1", hide_names=True)
    assert blind_rows["candidate"].str.starts_with("Applicant ").all()
    assert db.data_version(test_db) == before  # reading a blind view bumps no data version
    store.close()
    reader = store_at(test_db, read_only=True)  # and works on a read-only connection
    assert screening.screening_table(reader, SUPERVISOR, "TP1", hide_names=True).height == 3


# --- decisions ------------------------------------------------------------------------------


def test_the_latest_decision_is_in_force_and_survives_a_reimport(store):
    screening.record_decision(store, SUPERVISOR, "TA1", "hold", "wait for references")
    screening.record_decision(store, SUPERVISOR, "TA1", "advance", "references are good")
    with pytest.raises(ValueError):
        screening.record_decision(store, SUPERVISOR, "TA1", "hire")
    assert import_batch([SAMPLE], store.con, imported_by="tests").ok
    ann = _row(screening.ranked_applicants(store, SUPERVISOR, "TP1"), "TA1")
    assert ann["decision"] == "advance"
    history = screening.candidate_detail(store, SUPERVISOR, "TA1").decisions
    assert history["decision"].to_list() == ["advance", "hold"]
    assert history["decided_by"].to_list() == [SUP, SUP]
    audit = store.con.execute("select count(*) from app_audit_log where action = 'decision'").fetchall()
    assert audit[0][0] == 2


# --- the report -----------------------------------------------------------------------------


def test_report_prints_the_ranked_table(test_db, capsys, store_at):
    assert (
        cli.main(["report", "screening", "--program", "TP1", "--db", str(test_db), "--format", "json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["application_id"] for r in rows] == ["TA3", "TA1", "TA2"]
    assert rows[1]["balance"] == 3.5 and rows[1]["raters_differ"] == "adaptiveness, transcendence (pending)"
    assert cli.main(["report", "screening", "--program", "TP1", "--db", str(test_db)]) == 0
    store = store_at(test_db)
    page = screening.visible_columns(screening.screening_table(store, Scope.system(), "TP1"), False)
    assert capsys.readouterr().out == page.write_csv()


# --- pagination and the download -----------------------------------------------------------


def test_pages_split_the_ranked_table_in_order_and_clamp(store):
    table = screening.screening_table(store, SUPERVISOR, "TP1")
    assert [widgets.page_count(n, 2) for n in (0, 1, 2, 3, 4, 5)] == [1, 1, 1, 2, 2, 3]
    pages = [
        screening.with_names(store, widgets.page_of(table, p, 2), False)["application_id"].to_list()
        for p in (1, 2)
    ]
    assert pages == [["TA3", "TA1"], ["TA2"]]
    assert screening.with_names(store, widgets.page_of(table, 9, 2), False)["application_id"].to_list() == [
        "TA2"
    ]
    assert screening.with_names(store, widgets.page_of(table, 0, 2), False)["application_id"].to_list() == [
        "TA3",
        "TA1",
    ]
    blind_full = screening.screening_table(store, SUPERVISOR, "TP1", hide_names=True)
    blind_pages = pl.concat([screening.with_names(store, widgets.page_of(table, p, 2), True) for p in (1, 2)])
    assert blind_pages["candidate"].to_list() == blind_full["candidate"].to_list()


def test_the_download_is_the_whole_table_as_the_report_prints_it(test_db, store, capsys):
    for hide in (False, True):
        args = ["report", "screening", "--program", "TP1", "--db", str(test_db)]
        assert cli.main(args + (["--hide-names"] if hide else [])) == 0
        table = screening.screening_table(store, Scope.system(), "TP1")
        assert screening.table_csv(store, table, hide) == capsys.readouterr().out


def test_the_ranked_query_matches_the_rules_for_every_program(store):
    everyone = screening.ranked_applicants(store, Scope.system())
    assert everyone.height == store.con.execute("select count(*) from applications").fetchall()[0][0]
    resorted = everyone.sort(
        ["themes_at_3", "mean_score", "applied_on", "application_id"],
        descending=[True, True, False, False],
        nulls_last=True,
    )
    assert resorted["application_id"].to_list() == everyone["application_id"].to_list()
    themes = everyone.select(screening.THEMES)
    assert (
        everyone["themes_at_3"].to_list()
        == themes.select(
            pl.sum_horizontal([(pl.col(t) >= 3).fill_null(False).cast(pl.Int32) for t in screening.THEMES])
        )
        .to_series()
        .to_list()
    )
    one = screening.ranked_applicants(store, SUPERVISOR, "TP1")
    assert one["application_id"].to_list() == ["TA3", "TA1", "TA2"]


def test_compare_offers_those_asked_then_a_programs_ranked_applicants(store):
    offered = screening.compare_choices(store, SUPERVISOR, "TP1", ["TA2", "TA4"], hide_names=False)
    assert list(offered) == ["TA2", "TA3", "TA1"]  # TA4 is another program's: not offered
    assert offered["TA3"] == "Cy Tester"
    assert list(screening.compare_choices(store, SUPERVISOR, None, ["TA1"], False)) == ["TA1"]
    hidden_names = screening.compare_labels(store, SUPERVISOR, ["TA1", "TA3"], hide_names=True)
    assert not any("Tester" in label for label in hidden_names.values())
    assert screening.application_program(store, SUPERVISOR, "TA1") == "TP1"
    assert screening.application_program(store, SUPERVISOR, "TA4") is None


# --- charts ---------------------------------------------------------------------------------


def test_theme_profile_chart_has_a_fixed_scale_rater_points_and_not_rated(store):
    detail = screening.candidate_detail(store, SUPERVISOR, "TA1")
    spec = charts.theme_profile_bar_chart(
        screening.profile_chart_frame(detail.profile, detail.ratings)
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point", "text"]
    assert spec["layer"][1]["encoding"]["shape"]["field"] == "series"  # raters differ in shape too
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 4]
    assert spec["layer"][2]["mark"]["text"] == "not rated"
    data = next(iter(spec["datasets"].values()))
    assert {"theme": "beliefs", "series": "score used", "value": None, "rated": False} == {
        k: v for k, v in next(r for r in data if r["theme"] == "beliefs").items() if k != "applicant"
    }


def test_compare_chart_groups_applicants_on_one_scale(store):
    comparison = screening.compare(store, SUPERVISOR, ["TA1", "TA3"])
    spec = charts.compare_profile_bar_chart(comparison.profiles).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["xOffset"]["field"] == "applicant"
    assert bars["encoding"]["y"]["scale"]["domain"] == [0, 4]
    data = next(iter(spec["datasets"].values()))
    assert {r["applicant"] for r in data} == {"Ann Tester", "Cy Tester"}


# --- the pages ------------------------------------------------------------------------------


ID = labels.heading("application_id")  # tables show readable headings


def _frame_text(at) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def _markdown_text(at) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.title, *at.header, *at.subheader])


def test_screening_page_ranks_filters_and_hides_names(test_db, monkeypatch):
    at = signed_in_app(test_db, SUP, monkeypatch, page="views/screening.py")
    assert not at.exception
    ranked = at.dataframe[0].value
    assert ranked[ID].tolist() == ["TA3", "TA1", "TA2"]  # TP2's applicant is absent
    from dashboard import codebook

    assert codebook.STUDY_CAVEAT in [c.value for c in at.caption]
    at.multiselect(key="screening_stage").set_value(["applied"]).run()
    assert at.dataframe[0].value[ID].tolist() == ["TA2"]
    at.multiselect(key="screening_stage").set_value([]).run()
    at.number_input(key="screening_min_balance").set_value(3.5).run()
    assert at.dataframe[0].value[ID].tolist() == ["TA1"]
    at.toggle(key="screening_hide_names").set_value(True).run()
    hidden_names = at.dataframe[0].value
    assert ID not in hidden_names.columns
    assert not hidden_names[labels.heading("candidate")].str.contains("Tester").any()
    at.number_input(key="screening_min_balance").set_value(4.0).run()  # nobody: said in words
    assert not at.dataframe and any("No applicants match these filters" in i.value for i in at.info)


def test_screening_page_shows_one_page_and_counts_all(test_db, monkeypatch):
    monkeypatch.setattr(screening, "PAGE_SIZE", 2)
    at = signed_in_app(test_db, SUP, monkeypatch, page="views/screening.py")
    assert not at.exception
    assert at.dataframe[0].value[ID].tolist() == ["TA3", "TA1"]
    assert "n = 3" in at.header[0].value  # the count is of every page
    at.number_input(key="screening_page").set_value(2).run()
    assert at.dataframe[0].value[ID].tolist() == ["TA2"]
    at.multiselect(key="screening_stage").set_value(["interviewed"]).run()  # one page left
    assert not at.exception
    assert at.dataframe[0].value[ID].tolist() == ["TA3", "TA1"]
    assert at.get("download_button")


def test_candidate_page_shows_evidence_as_text_audits_and_records_a_decision(test_db, monkeypatch):
    at = signed_in_app(test_db, SUP, monkeypatch)
    at.session_state["candidate_application_id"] = "TA1"
    at.switch_page("views/candidate.py").run()
    assert not at.exception
    assert TRICKY in _frame_text(at)  # the excerpt verbatim, in a table
    assert "<script>" not in _markdown_text(at) and "**bold**" not in _markdown_text(at)
    assert "Applicant: Ann Tester" in [t.value for t in at.text]  # a name is text, not markdown
    assert "Ann Tester" not in _markdown_text(at)
    at.radio(key="candidate_decision").set_value("advance")
    at.text_area(key="candidate_note").input("Strong on balance")
    at.button(key="candidate_record").click().run()
    assert not at.exception
    at.run()  # a re-run still shows it
    assert "Strong on balance" in _frame_text(at)
    at.switch_page("views/screening.py").run()
    assert at.dataframe[0].value.set_index(ID).loc["TA1", labels.heading("decision")] == "advance"
    con = db.connect(test_db)
    logged = con.execute(
        "select count(*) from app_audit_log where action = 'view_person' and object like '%TA1%' and who = $who",
        {"who": SUP},
    ).fetchall()[0][0]
    con.close()
    assert logged == 1  # once for this opening, however often the page re-ran


def test_candidate_page_accepts_a_query_parameter(test_db, monkeypatch):
    at = signed_in_app(test_db, SUP, monkeypatch)
    at.query_params["application"] = "TA3"
    at.switch_page("views/candidate.py").run()
    assert not at.exception
    assert "Applicant: Cy Tester" in [t.value for t in at.text]


def test_candidate_page_refuses_another_programs_applicant(test_db, monkeypatch):
    at = signed_in_app(test_db, SUP, monkeypatch)
    at.session_state["candidate_application_id"] = "TA4"
    at.switch_page("views/candidate.py").run()
    assert not at.exception
    assert any("not in your programs" in e.value for e in at.error)
    assert "Di Elsewhere" not in _frame_text(at) + _markdown_text(at)
    assert "secret words" not in _frame_text(at)


def test_compare_page_shows_two_applicants(test_db, monkeypatch):
    at = signed_in_app(test_db, SUP, monkeypatch)
    at.session_state["compare_application_ids"] = ["TA1", "TA3", "TA4"]
    at.switch_page("views/compare.py").run()
    assert not at.exception
    assert any("not in your programs" in e.value for e in at.error)
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Theme", "Ann Tester", "Cy Tester"]


def test_interview_kit_page_for_a_training_director_and_a_supervisor(test_db, monkeypatch):
    from dashboard import codebook

    grant(test_db, "td@example.org", "training_director", ("TP1",))
    for email in ("td@example.org", SUP):
        at = signed_in_app(test_db, email, monkeypatch, page="views/interview_kit.py")
        assert not at.exception
        assert at.title[0].value == "Interview kit"
        keys = {b.key for b in at.get("download_button")}
        assert keys == {
            "interview_kit_download_md",
            "interview_kit_download_html",
            "interview_kit_download_qdc",
        }
        kit = codebook.load_interview_kit()
        first_question = kit["themes"]["balance"]["questions"][0]
        assert any(first_question in m.value for m in at.markdown)


def test_only_supervisors_get_the_hiring_pages_and_directors_the_kit():
    from dashboard.ui.navigation import pages_for

    def keys(*grants):
        return {p.key for p in pages_for(Scope("x@example.org", grants))}

    hiring = {"screening", "candidate", "compare", "interview_kit"}
    assert hiring <= keys(("supervisor", "TP1"))
    assert keys(("training_director", "TP1")) & hiring == {"interview_kit"}
    assert not keys(("leadership", ""), ("admin", "")) & hiring
