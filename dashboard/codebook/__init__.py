"""The codebook: six themes, their sub-themes and the interview kit, shipped as package data.

The texts are the project's own wording of the study's themes (see STUDY.md). Renderers turn the
interview kit into a printable Markdown or HTML document; the HTML escapes every value.
"""

import copy
import functools
import html
import tomllib
from pathlib import Path

import polars as pl

from dashboard.core.contract import THEMES

HERE = Path(__file__).parent
STUDY_CAVEAT = (
    "The six themes come from an exploratory study of 15 therapists; use the scores as guidance "
    "for a structured interview, not as a validated test or a sole hiring criterion."
)
STUDY_LIMITS = (
    "The themes come from 15 interviews with peer-nominated therapists in one state's public "
    "mental-health system. The study was exploratory: it had no comparison group, so it cannot "
    "say which themes are distinctive to committed therapists, and it did not link the themes to "
    "retention or client outcomes. This dashboard treats theme scores as structured-interview "
    "guidance and uses the program's own data to test them, always showing sample sizes."
)
SCORING_LINE = "Rater: ____________  Score: ____  Not probed [ ]"


@functools.cache  # package data: read once per process (a polars frame is not changed in place)
def load_themes() -> pl.DataFrame:
    """The six themes (code, name, definition, sounds_like, counter_sounds_like) in THEMES."""
    frame = pl.read_csv(HERE / "themes.csv", infer_schema=False)
    order = {code: i for i, code in enumerate(THEMES)}
    return frame.sort(pl.col("code").replace_strict(order, return_dtype=pl.Int32))


@functools.cache
def load_subthemes() -> pl.DataFrame:
    """The sub-themes (code, theme, name, definition, sounds_like, counter_sounds_like)."""
    return pl.read_csv(HERE / "subthemes.csv", infer_schema=False)


def theme_names() -> dict[str, str]:
    """Map each theme code to its display name, in THEMES."""
    return dict(load_themes().select("code", "name").iter_rows())


def load_interview_kit() -> dict:
    """The interview kit: title, intro, honesty_note and per-theme questions, probes, anchors."""
    return copy.deepcopy(_read_interview_kit())


@functools.cache
def _read_interview_kit() -> dict:
    with open(HERE / "interview_kit.toml", "rb") as f:
        return tomllib.load(f)


@functools.cache
def interview_kit_documents() -> tuple[str, str, str]:
    """The whole kit's title, Markdown and printable HTML, rendered once per process."""
    kit = _read_interview_kit()
    return kit["title"], interview_kit_markdown(kit=kit), interview_kit_html(kit=kit)


def _selected(kit: dict, themes: list[str] | None) -> list[str]:
    """Theme codes to render: the requested ones that the kit has, in THEMES."""
    wanted = THEMES if themes is None else themes
    return [code for code in THEMES if code in wanted and code in kit["themes"]]


def _cell(text: str) -> str:
    """Make a value safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def interview_kit_markdown(themes: list[str] | None = None, kit: dict | None = None) -> str:
    """A printable Markdown interview kit for the given themes (all six by default)."""
    kit = kit or load_interview_kit()
    names, definitions = theme_names(), dict(load_themes().select("code", "definition").iter_rows())
    lines = [f"# {kit['title']}", "", kit["intro"].strip(), "", f"> {kit['honesty_note'].strip()}"]
    for code in _selected(kit, themes):
        part = kit["themes"][code]
        lines += ["", f"## {names[code]}", "", definitions[code], "", "**Questions**", ""]
        lines += [f"{i}. {q}" for i, q in enumerate(part["questions"], 1)]
        lines += ["", "**Follow-up probes**", ""] + [f"- {p}" for p in part["probes"]]
        lines += ["", "| Score | Anchor | What the answer looks like |", "| --- | --- | --- |"]
        lines += [
            f"| {a['score']} | {_cell(a['label'])} | {_cell(a['description'])} |" for a in part["anchors"]
        ]
        lines += ["", SCORING_LINE, "", SCORING_LINE]
    return "\n".join(lines) + "\n"


PRINT_CSS = """
body { font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.note { border-left: 4px solid #999; padding-left: 1rem; }
.scoring { font-family: monospace; margin: 0.6rem 0; }
@media print { section { page-break-inside: avoid; } body { margin: 0; } }
"""


def _theme_html(name: str, definition: str, part: dict) -> str:
    """One theme's section of the HTML kit, every value escaped."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(str(a['score']))}</td><td>{e(a['label'])}</td><td>{e(a['description'])}</td></tr>"
        for a in part["anchors"]
    )
    return (
        f"<section><h2>{e(name)}</h2><p>{e(definition)}</p><h3>Questions</h3><ol>"
        + "".join(f"<li>{e(q)}</li>" for q in part["questions"])
        + "</ol><h3>Follow-up probes</h3><ul>"
        + "".join(f"<li>{e(p)}</li>" for p in part["probes"])
        + "</ul><table><tr><th>Score</th><th>Anchor</th><th>What the answer looks like</th></tr>"
        + rows
        + "</table>"
        + f'<p class="scoring">{e(SCORING_LINE)}</p>' * 2
        + "</section>"
    )


def interview_kit_html(themes: list[str] | None = None, kit: dict | None = None) -> str:
    """A standalone printable HTML interview kit; every text value is HTML-escaped."""
    kit = kit or load_interview_kit()
    names, definitions = theme_names(), dict(load_themes().select("code", "definition").iter_rows())
    title = html.escape(kit["title"])
    sections = "".join(
        _theme_html(names[code], definitions[code], kit["themes"][code]) for code in _selected(kit, themes)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{PRINT_CSS}</style></head><body><h1>{title}</h1>"
        f"<p>{html.escape(kit['intro'].strip())}</p>"
        f'<p class="note">{html.escape(kit["honesty_note"].strip())}</p>'
        f"{sections}</body></html>\n"
    )
