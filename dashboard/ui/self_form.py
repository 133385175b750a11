"""The self-assessment form's widgets (Streamlit): per theme the interview kit's anchored 0-4
scale or "not assessed", and an example from the trainee's own practice; the problems beside
their theme. Rules live in training/self_rules.py; every value typed is shown as text only.
"""

from __future__ import annotations

import streamlit as st

from dashboard import codebook
from dashboard.core.contract import THEMES
from dashboard.training.self_rules import EXAMPLE_MAX, SelfAssessment
from dashboard.ui.scorecard_form import CHOICES, NOT_ASSESSED


def _key(prefix: str, *parts) -> str:
    return "_".join([prefix, *map(str, parts)])


def _seed(prefix: str, sa: SelfAssessment) -> None:
    """Fill the widgets from the saved self-assessment, once per session and review."""
    if st.session_state.get(_key(prefix, "seeded")):
        return
    for theme in THEMES:
        score = sa.scores.get(theme)
        st.session_state[_key(prefix, theme, "score")] = NOT_ASSESSED if score is None else score
        st.session_state[_key(prefix, theme, "example")] = sa.examples.get(theme) or ""
    st.session_state[_key(prefix, "seeded")] = True


def form(prefix: str, saved: SelfAssessment, problems: list[tuple[str, str]]) -> SelfAssessment:
    """Every theme's score with its anchors and an example; returns what the widgets hold."""
    _seed(prefix, saved)
    kit, names = codebook.load_interview_kit(), codebook.theme_names()
    scores, examples = {}, {}
    for theme in THEMES:
        part = kit["themes"][theme]
        st.header(names.get(theme, theme))
        score = st.radio(
            f"My score on {names.get(theme, theme)}",
            CHOICES,
            horizontal=True,
            key=_key(prefix, theme, "score"),
            help="Not assessed is not a 0: leave a theme you cannot judge yet.",
        )
        st.caption("  \n".join(f"{a['score']} — {a['label']}: {a['description']}" for a in part["anchors"]))
        examples[theme] = st.text_area(
            "An example from my own practice (needed for every score)",
            key=_key(prefix, theme, "example"),
            max_chars=EXAMPLE_MAX,
            height=68,
        )
        scores[theme] = None if score == NOT_ASSESSED else int(score)
        for message in (m for t, m in problems if t == theme):
            st.error(message, icon=":material/error:")
    for _, message in (p for p in problems if p[0] not in THEMES):
        st.error(message, icon=":material/error:")
    return SelfAssessment(scores, {t: e for t, e in examples.items() if e.strip()})


def forget(prefix: str) -> None:
    """Drop the form's widget state (after a submit), so it is read again from the database."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def text(sa: SelfAssessment) -> str:
    """A self-assessment as plain text: each theme's score and example."""
    names, lines = codebook.theme_names(), []
    for theme in THEMES:
        score = sa.scores.get(theme)
        lines.append(f"{names.get(theme, theme)}: {NOT_ASSESSED if score is None else score}")
        if sa.examples.get(theme):
            lines.append(f"    {sa.examples[theme]}")
    return "\n".join(lines)
