"""The scorecard form's widgets (Streamlit): per theme an anchored 0-4 score or "not assessed",
verbatim excerpts with stance and sub-theme, the problems beside their theme, and the interview
kit's questions and probes beside it. Rules live in dashboard.scorecards.cards; this only draws and
reads widgets. Every value a person typed is shown as text, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from dashboard import codebook
from dashboard.core.contract import STANCES, THEMES
from dashboard.scorecards.cards import NOT_ASSESSED, SCORES, TEXT_MAX, Card, Excerpt

CHOICES = (NOT_ASSESSED, *SCORES)
NO_SUBTHEME = "(theme as a whole)"


def _key(prefix: str, *parts) -> str:
    return "_".join([prefix, *map(str, parts)])


def _seed(prefix: str, card: Card) -> None:
    """Fill the widgets from the saved card, once per session and card."""
    if st.session_state.get(_key(prefix, "seeded")):
        return
    for theme in THEMES:
        score = card.scores.get(theme)
        st.session_state[_key(prefix, theme, "score")] = NOT_ASSESSED if score is None else score
        mine = [e for e in card.excerpts if e.theme == theme]
        st.session_state[_key(prefix, theme, "slots")] = max(1, len(mine))
        for i, ex in enumerate(mine):
            st.session_state[_key(prefix, theme, i, "text")] = ex.text
            st.session_state[_key(prefix, theme, i, "stance")] = ex.stance
            st.session_state[_key(prefix, theme, i, "sub")] = ex.subtheme or NO_SUBTHEME
    st.session_state[_key(prefix, "seeded")] = True


def _add_slot(key: str) -> None:
    st.session_state[key] = st.session_state.get(key, 1) + 1


def _theme_block(prefix: str, theme: str, part: dict, subthemes: list[str], problems: list[str]):
    """One theme: score with anchors, excerpt slots, its problems; returns (score, excerpts)."""
    score = st.radio(
        "Score",
        CHOICES,
        horizontal=True,
        key=_key(prefix, theme, "score"),
        help="Not assessed is not a 0: the theme simply did not come up.",
    )
    st.caption("  \n".join(f"{a['score']} — {a['label']}: {a['description']}" for a in part["anchors"]))
    found = []
    slots = st.session_state.get(_key(prefix, theme, "slots"), 1)
    for i in range(slots):
        text = st.text_area(
            f"Excerpt {i + 1}: the person's own words",
            key=_key(prefix, theme, i, "text"),
            max_chars=TEXT_MAX,
            height=68,
        )
        left, right = st.columns(2)
        stance = left.radio("Stance", STANCES, horizontal=True, key=_key(prefix, theme, i, "stance"))
        sub = right.selectbox("Sub-theme", [NO_SUBTHEME, *subthemes], key=_key(prefix, theme, i, "sub"))
        if text.strip():
            found.append(Excerpt(theme, stance, text, None if sub == NO_SUBTHEME else sub))
    st.button(
        "Add an excerpt",
        key=_key(prefix, theme, "add"),
        on_click=_add_slot,
        args=(_key(prefix, theme, "slots"),),
    )
    for problem in problems:
        st.error(problem, icon=":material/error:")
    return (None if score == NOT_ASSESSED else int(score)), found


def card_form(prefix: str, card: Card, subthemes: dict[str, str], problems: list[tuple[str, str]]) -> Card:
    """Every theme's block beside its kit questions; returns the card as the widgets hold it."""
    _seed(prefix, card)
    kit, names = codebook.load_interview_kit(), codebook.theme_names()
    scores, excerpts = {}, []
    for theme in THEMES:
        part = kit["themes"][theme]
        st.header(names.get(theme, theme))
        form, guide = st.columns([3, 2])
        with form:
            mine = sorted(code for code, of in subthemes.items() if of == theme)
            beside = [m for t, m in problems if t == theme]
            scores[theme], found = _theme_block(prefix, theme, part, mine, beside)
            excerpts += found
        with guide:
            st.markdown("**Questions**")  # the kit is the project's own text
            st.markdown("\n".join(f"{i}. {q}" for i, q in enumerate(part["questions"], 1)))
            st.markdown("**Probes**")
            st.markdown("\n".join(f"- {p}" for p in part["probes"]))
    for _, message in (p for p in problems if p[0] not in THEMES):
        st.error(message, icon=":material/error:")
    return Card(scores, tuple(excerpts))


def forget(prefix: str) -> None:
    """Drop the form's widget state (after a submit), so it is read again from the database."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def card_text(card: Card) -> list[str]:
    """A submitted card as lines of plain text: each theme's score and excerpts."""
    names, lines = codebook.theme_names(), []
    for theme in THEMES:
        score = card.scores.get(theme)
        lines.append(f"{names.get(theme, theme)}: {NOT_ASSESSED if score is None else score}")
        lines += [
            f"    [{e.stance}{', ' + e.subtheme if e.subtheme else ''}] {e.text}"
            for e in card.excerpts
            if e.theme == theme
        ]
    return lines
