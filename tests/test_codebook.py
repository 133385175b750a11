"""Tests for the codebook CSVs, the interview kit and its Markdown/HTML renderers."""

import copy
import html

import pytest

from dashboard import codebook
from dashboard.core.contract import THEMES

SUBTHEMES = {
    "challenge": "adaptiveness",
    "core_skills": "adaptiveness",
    "feedback": "adaptiveness",
    "spiritual": "transcendence",
    "communal": "transcendence",
    "intimacy": "fit",
    "motivation": "fit",
    "aesthetic": "fit",
    "uniqueness": "fit",
    "strengths": "beliefs",
    "equality": "beliefs",
}
TEXT_COLUMNS = ("name", "definition", "sounds_like", "counter_sounds_like")


def test_theme_order_is_the_six_codes():
    assert THEMES == (
        "balance",
        "adaptiveness",
        "transcendence",
        "learning",
        "fit",
        "beliefs",
    )


def test_themes_csv_has_exact_columns_codes_and_text():
    themes = codebook.load_themes()
    assert themes.columns == ["code", "name", "definition", "sounds_like", "counter_sounds_like"]
    assert tuple(themes["code"]) == THEMES
    for column in TEXT_COLUMNS:
        assert all(value and value.strip() for value in themes[column]), column


def test_theme_names_match_the_study_themes():
    assert codebook.theme_names() == {
        "balance": "Balance between work and nonwork passions",
        "adaptiveness": "Adaptiveness and openness",
        "transcendence": "Transcendence",
        "learning": "Intentional learning",
        "fit": "Personal fit with the role",
        "beliefs": "Passion-supporting beliefs",
    }


def test_subthemes_csv_has_exact_columns_codes_and_themes():
    subthemes = codebook.load_subthemes()
    assert subthemes.columns == [
        "code",
        "theme",
        "name",
        "definition",
        "sounds_like",
        "counter_sounds_like",
    ]
    assert dict(subthemes.select("code", "theme").iter_rows()) == SUBTHEMES
    assert subthemes["code"].is_unique().all()
    assert set(subthemes["theme"]) <= set(THEMES)
    for column in TEXT_COLUMNS:
        assert all(value and value.strip() for value in subthemes[column]), column


def test_csv_text_with_commas_survives_the_round_trip():
    # Definitions contain commas; a badly quoted CSV would shift them into other columns.
    themes = codebook.load_themes()
    assert any("," in text for text in themes["sounds_like"])
    assert themes.null_count().sum_horizontal().item() == 0


def test_kit_has_intro_honesty_note_and_every_theme():
    kit = codebook.load_interview_kit()
    assert "not probed" in kit["intro"].lower()
    assert "independent" in kit["intro"].lower() or "alone" in kit["intro"].lower()
    note = kit["honesty_note"].lower()
    for phrase in ("15", "comparison group", "not a validated test", "sole"):
        assert phrase in note, phrase
    assert set(kit["themes"]) == set(THEMES)


@pytest.mark.parametrize("code", THEMES)
def test_kit_theme_has_questions_probes_and_anchors_0_to_4(code):
    part = codebook.load_interview_kit()["themes"][code]
    assert 2 <= len(part["questions"]) <= 4
    assert 2 <= len(part["probes"]) <= 4
    assert all(text.strip() for text in part["questions"] + part["probes"])
    assert [anchor["score"] for anchor in part["anchors"]] == [0, 1, 2, 3, 4]
    for anchor in part["anchors"]:
        assert anchor["label"].strip() and anchor["description"].strip()


def test_markdown_contains_every_theme_question_and_scoring_line():
    kit = codebook.load_interview_kit()
    text = codebook.interview_kit_markdown()
    assert text.startswith(f"# {kit['title']}")
    for code, name in codebook.theme_names().items():
        assert f"## {name}" in text
        for question in kit["themes"][code]["questions"]:
            assert question in text
    assert text.count("Not probed [ ]") == 2 * len(THEMES)
    assert "| 4 | Strong and specific |" in text


def test_markdown_renders_only_the_requested_themes():
    text = codebook.interview_kit_markdown(["fit", "balance"])
    names = codebook.theme_names()
    assert names["fit"] in text and names["balance"] in text
    assert names["beliefs"] not in text
    assert text.index(names["balance"]) < text.index(names["fit"])


def test_markdown_keeps_a_pipe_inside_one_table_cell():
    kit = copy.deepcopy(codebook.load_interview_kit())
    kit["themes"]["learning"]["anchors"][0]["description"] = "stale | routine"
    assert "stale \\| routine" in codebook.interview_kit_markdown(["learning"], kit=kit)


def test_html_is_a_standalone_page_with_every_theme_and_question():
    kit = codebook.load_interview_kit()
    page = codebook.interview_kit_html()
    assert page.startswith("<!doctype html>") and "@media print" in page
    for code, name in codebook.theme_names().items():
        assert name in page
        for question in kit["themes"][code]["questions"]:
            assert html.escape(question) in page


def test_html_escapes_every_kit_value():
    kit = copy.deepcopy(codebook.load_interview_kit())
    attack = "<script>alert(1)</script>"
    kit["title"] = attack
    kit["intro"] = attack
    kit["honesty_note"] = attack
    part = kit["themes"]["fit"]
    part["questions"][0] = attack
    part["probes"][0] = attack
    part["anchors"][2]["label"] = attack
    part["anchors"][2]["description"] = attack
    page = codebook.interview_kit_html(["fit"], kit=kit)
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 8  # title twice + 6 values
