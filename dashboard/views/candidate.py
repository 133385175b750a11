"""Candidate: one applicant's theme profile, the evidence behind each score, history, decision."""

import streamlit as st

from dashboard import charts, codebook
from dashboard.core.access import AccessDenied
from dashboard.core.contract import DECISIONS, THEMES
from dashboard.hiring import passages, people_search, screening
from dashboard.scorecards import blind_rule
from dashboard.store import audit, db
from dashboard.ui import panel_ui, widgets
from dashboard.ui.signin import current_scope

store, scope = db.app_store(), current_scope()
st.title("Candidate")
application_id = st.query_params.get("application") or st.session_state.get("candidate_application_id")
hide_names = st.toggle(
    "Hide name until a decision is recorded",
    value=bool(st.session_state.get("candidate_blind", False)),
    key="candidate_hide_names",
)


def open_applicant(row: dict) -> None:
    """Show the applicant picked in the search (and put it in the address, to come back to)."""
    st.session_state["candidate_application_id"] = st.query_params["application"] = row["application_id"]
    st.session_state.pop("candidate_audited", None)  # a new opening of the record is audited


with st.expander("Find an applicant by name or id", expanded=not application_id):
    widgets.find_person(
        lambda text: people_search.find_applicants(store, scope, text, hide_names),
        "applicant",
        "candidate_find",
        open_applicant,
    )
if not application_id:
    st.info("Find an applicant above, or pick one on the Screening page and press 'Open applicant'.")
    st.page_link("views/screening.py", label="Go to Screening", icon=":material/groups:")
    st.stop()
try:
    detail = screening.candidate_detail(store, scope, application_id, hide_names)
except AccessDenied:
    st.error("This applicant is not in your programs, so Vocation will not show the record.")
    st.stop()
if st.session_state.get("candidate_audited") != application_id:  # once per opening, not per rerun
    audit.record(store, scope, "view_person", f"application {application_id}")
    st.session_state["candidate_audited"] = application_id

app = detail.application
st.text(f"Applicant: {detail.label}")
st.text(f"{app['program_name']} · {app['position']} · applied {app['applied_on']} · stage {app['stage']}")
widgets.caveat()
if detail.hidden:
    st.warning(f"You sit on a panel for this person: every score and excerpt is {blind_rule.HIDDEN_NOTE}.")

st.header("Theme profile")
profile = screening.profile_chart_frame(detail.profile, detail.ratings, detail.label)
widgets.chart(
    charts.theme_profile_bar_chart(profile),
    profile,
    key="candidate_profile",
    caption="Bars: the score used (consensus, else the mean of raters). Points: each rater's score.",
)
st.caption(screening.SCORE_RULE)

st.header("Every rater's score and the consensus")
widgets.table(detail.score_table, "candidate_scores", "candidate_scores.csv", application_id)

st.header("Evidence by theme")
theme_names = dict(zip(codebook.load_themes()["code"], codebook.load_themes()["name"], strict=True))
blind = detail.label != app["full_name"]
in_transcripts = passages.excerpt_passages(store, scope, application_id, hide_source=blind)
for theme in THEMES:
    excerpts = screening.excerpts_for(detail, theme)
    counters = excerpts.filter(excerpts["stance"] == "counter").height
    label = f"{theme_names.get(theme, theme)}: {excerpts.height - counters} supporting, {counters} counter"
    with st.expander(label):
        if excerpts.height:
            widgets.dataframe(
                excerpts,
                f"candidate_excerpts_{theme}",
                column_config={"text": st.column_config.TextColumn(width="large")},
            )
        else:
            st.write("No excerpts were coded for this theme.")
        if in_transcripts.get(theme):  # excerpts from a coded project: read them in their passage
            picked = st.selectbox(
                "Read an excerpt in its transcript",
                in_transcripts[theme],
                index=None,
                format_func=lambda p: p.label,
                key=f"candidate_passage_{theme}",
            )
            if picked:  # plain text only: the transcript is data, never Markdown or HTML
                st.text(f"From {picked.source} ({passages.MARKER_NOTE}):")
                st.code(picked.text, language=None, wrap_lines=True)

st.header("Applications and interviews")
widgets.table(detail.applications, "candidate_applications", "applications.csv", application_id)
widgets.table(detail.interviews, "candidate_interviews", "interviews.csv", application_id)
panel_ui.panels_section(
    store, scope, "supervisor", "candidate", app["person_id"], app["program_id"], application_id
)
panel_ui.overdue_section(store, scope, "supervisor", "candidate")
if detail.nominations.height:
    st.header(f"Peer nominations received ({widgets.n_label(detail.nominations.height)})")
    widgets.dataframe(detail.nominations, "candidate_nominations")

st.header("Decision")
if detail.decisions.height:
    widgets.dataframe(detail.decisions, "candidate_decisions")
else:
    st.write("No decision recorded yet.")
with st.form("candidate_decision_form", clear_on_submit=True):
    decision = st.radio("Decision", DECISIONS, horizontal=True, key="candidate_decision")
    note = st.text_area("Note", max_chars=screening.NOTE_MAX, key="candidate_note")
    if st.form_submit_button("Record decision", key="candidate_record"):
        screening.record_decision(store, scope, application_id, decision, note)
        st.rerun()
