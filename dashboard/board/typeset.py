"""Typeset the board report: a small document model in, a tagged PDF/UA-1 document (or Markdown) out.

Pure: no database, no Streamlit. Charts (an Altair chart or a Vega-Lite dict) become SVG through
vl-convert (external data URLs refused, so a chart carries its data inline); the document is typeset by
the `typst` package with `pdf_standards=["ua-1"]`, which tags the PDF (structure tree, /Lang, title
shown in the window, pdfuaid:part=1 in XMP) and refuses a figure without a text alternative.

Data never becomes Typst markup: the model's strings are written to `data.json` in a temporary
directory that is also Typst's root (so a document can read nothing else), and the fixed template below
places them as plain `str` values — `#read(..)`, `*bold*` or `$x$` in a program name print literally.
Fonts: only those bundled with typst (Libertinus Serif for text, embedded and subset; system fonts are
ignored), so the output is the same on every host and `pdftotext` extracts it.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typst
import vl_convert

Cell = str | int | float | None

_ALIGNMENTS = ("left", "right", "center")
_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:-([A-Z]{2}))?$")
_NUMERIC_TEXT = re.compile(r"^\s*[<>≤≥~±+\-−]?\s*[\d][\d,]*(\.\d+)?\s*%?\s*$")
_BLANKS = {"", "—", "–", "-", "*", "n/a"}
_SVG_SIZE = re.compile(r"<svg\b[^>]*?\bwidth=\"([\d.]+)\"[^>]*?\bheight=\"([\d.]+)\"")
_TEXT_WIDTH_PT = 468.0  # US Letter (8.5 in) less two 1 in margins
_MAX_FIGURE_HEIGHT_PT = 540.0  # leaves room for the caption on a 9 in text block
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~])")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Note:
    """A set-off note: the study's limits, the n behind a figure, what was suppressed."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table: `columns` are the header cells (tagged TH), `rows` the body; numbers align right."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[str, ...] = ()  # per column: left/right/center; empty = numbers right, text left

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        object.__setattr__(self, "rows", tuple(tuple(r) for r in self.rows))
        object.__setattr__(self, "align", tuple(self.align))
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"table row {i} has {len(row)} cells for {len(self.columns)} columns")
        if self.align and (len(self.align) != len(self.columns) or set(self.align) - set(_ALIGNMENTS)):
            raise ValueError(f"align needs one of {_ALIGNMENTS} per column")


@dataclass(frozen=True)
class Figure:
    """A chart (Altair chart or Vega-Lite dict) with its required text alternative and a caption."""

    chart: Any
    alt: str
    caption: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise ValueError("a figure needs a non-empty text alternative (alt)")


Block = Paragraph | Note | Table | Figure


@dataclass(frozen=True)
class Section:
    """A headed section (level 1 to 3) holding blocks."""

    heading: str
    blocks: tuple[Block, ...] = ()
    level: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        if self.level not in (1, 2, 3):
            raise ValueError("a section level is 1, 2 or 3")
        if not self.heading.strip():
            raise ValueError("a section needs a heading")
        for block in self.blocks:
            if not isinstance(block, Paragraph | Note | Table | Figure):
                raise TypeError(f"not a block: {type(block).__name__}")


@dataclass(frozen=True)
class Document:
    """The whole report: title, subtitle, language (BCP 47 like "en" or "en-US"), author and sections."""

    title: str
    subtitle: str = ""
    language: str = "en"
    author: str = ""
    sections: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))
        if not self.title.strip():
            raise ValueError("a document needs a title (PDF/UA shows it in the window title)")
        if not _LANGUAGE.match(self.language):
            raise ValueError(f"language must look like 'en' or 'en-US', not {self.language!r}")
        previous = 0
        for section in self.sections:
            if section.level > previous + 1:
                raise ValueError(f"heading {section.heading!r} skips a level ({previous} to {section.level})")
            previous = section.level


_TEMPLATE = r"""
#let data = json("data.json")
#let ink = rgb("#0b1315")
#let muted = rgb("#3a4548")
#set document(title: data.title, author: data.authors)
#set text(font: "Libertinus Serif", size: 11pt, lang: data.lang, region: data.region, fill: ink)
#set par(justify: false, leading: 0.68em, spacing: 1.1em)
#set page(
  paper: "us-letter",
  margin: (x: 1in, y: 1in),
  footer: context {
    set text(size: 9pt, fill: muted)
    let (page, pages) = (counter(page).get().first(), counter(page).final().first())
    grid(columns: (1fr, auto), column-gutter: 12pt, data.footer, "Page " + str(page) + " of " + str(pages))
  },
)
#set heading(numbering: none)
#show heading: set block(above: 1.5em, below: 0.75em)
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11.5pt, style: "italic")
#show title: set text(size: 22pt)
#show title: set block(below: 0.6em)
#show figure: set block(above: 1.4em, below: 1.4em)
#show figure.where(kind: table): set block(breakable: true)
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.caption: set text(size: 10pt)
#set table(stroke: none, inset: (x: 7pt, y: 4.5pt))

#title()
#if data.subtitle != "" { block(below: 0.5em, par(text(size: 13pt, fill: muted, data.subtitle))) }
#if data.author != "" { block(below: 1.5em, par(text(size: 10.5pt, fill: muted, data.author))) }

#let aligned(name) = if name == "right" { right } else if name == "center" { center } else { left }

#for section in data.sections {
  heading(level: section.level, section.heading)
  for b in section.blocks {
    if b.kind == "paragraph" {
      par(b.text)
    } else if b.kind == "note" {
      block(
        width: 100%,
        fill: luma(244),
        stroke: (left: 2.5pt + muted),
        inset: (x: 10pt, y: 8pt),
        par(text(size: 10pt, b.text)),
      )
    } else if b.kind == "table" {
      let t = table(
        columns: b.columns.len(),
        align: b.align.map(aligned),
        fill: (_, y) => if y > 0 and calc.even(y) { luma(245) },
        table.header(..b.columns.map(c => text(weight: "bold", c))),
        table.hline(stroke: 0.8pt + ink),
        ..b.rows.flatten(),
        table.hline(stroke: 0.5pt + muted),
      )
      if b.caption == "" { t } else { figure(t, caption: b.caption, kind: table) }
    } else if b.kind == "figure" {
      figure(
        image(b.file, alt: b.alt, width: b.width * 1pt),
        caption: if b.caption == "" { none } else { b.caption },
      )
    }
  }
}
"""


def _line(text: Any) -> str:
    return " ".join(str(text).split())


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _cell_kind(value: Cell) -> str:
    if _is_number(value) or (isinstance(value, str) and _NUMERIC_TEXT.match(value)):
        return "number"
    return "blank" if value is None or str(value).strip() in _BLANKS else "text"


def _alignments(table: Table) -> list[str]:
    if table.align:
        return list(table.align)
    result = []
    for i in range(len(table.columns)):
        kinds = {_cell_kind(row[i]) for row in table.rows}
        result.append("right" if "number" in kinds and "text" not in kinds else "left")
    return result


def _vega_lite(chart: Any) -> dict:
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    if not isinstance(spec, dict):
        raise TypeError("a figure's chart is an Altair chart or a Vega-Lite dict")
    return spec


def _vl_version(spec: dict) -> str | None:
    found = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if not found:
        return None
    version = f"{found.group(1)}.{found.group(2)}"
    return version if version in vl_convert.get_vegalite_versions() else None


def chart_svg(chart: Any) -> str:
    """Render an Altair chart or Vega-Lite dict to SVG with vl-convert (no external data URLs)."""
    spec = _vega_lite(chart)
    return vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(spec), allowed_base_urls=[])


def _figure_width(svg: str) -> float:
    size = _SVG_SIZE.search(svg)
    if not size:
        return _TEXT_WIDTH_PT
    width, height = float(size.group(1)), float(size.group(2))
    fits = min(width, _TEXT_WIDTH_PT)
    if height > 0:
        fits = min(fits, width * _MAX_FIGURE_HEIGHT_PT / height)
    return round(max(fits, 36.0), 2)


def _payload(document: Document, root: Path) -> dict:
    language, _, region = document.language.partition("-")
    sections, figures = [], 0
    for section in document.sections:
        blocks: list[dict] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"kind": "paragraph", "text": str(block.text)})
            elif isinstance(block, Note):
                blocks.append({"kind": "note", "text": str(block.text)})
            elif isinstance(block, Table):
                rows = [[_cell_text(v) for v in row] for row in block.rows]
                blocks.append(
                    {
                        "kind": "table",
                        "caption": _line(block.caption),
                        "columns": [_line(c) for c in block.columns],
                        "rows": rows,
                        "align": _alignments(block),
                    }
                )
            else:
                figures += 1
                svg = chart_svg(block.chart)
                name = f"figure-{figures}.svg"  # our own name, never data
                (root / name).write_text(svg, encoding="utf-8")
                blocks.append(
                    {
                        "kind": "figure",
                        "file": name,
                        "alt": block.alt.strip(),
                        "caption": _line(block.caption),
                        "width": _figure_width(svg),
                    }
                )
        sections.append({"heading": _line(section.heading), "level": section.level, "blocks": blocks})
    return {
        "title": _line(document.title),
        "subtitle": _line(document.subtitle),
        "author": _line(document.author),
        "authors": [_line(document.author)] if document.author.strip() else [],
        "lang": language,
        "region": region or None,
        "footer": _line(document.title),
        "sections": sections,
    }


def render_pdf(document: Document) -> bytes:
    """Typeset the document as tagged PDF/UA-1 (US Letter, page numbers in the footer) and return its bytes."""
    with tempfile.TemporaryDirectory(prefix="vocation-board-") as tmp:
        root = Path(tmp)
        payload = _payload(document, root)
        (root / "data.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        (root / "main.typ").write_text(_TEMPLATE, encoding="utf-8")
        return typst.compile(
            str(root / "main.typ"),
            root=str(root),
            font_paths=[],
            ignore_system_fonts=True,
            format="pdf",
            pdf_standards=["ua-1"],
        )


def _md(text: Any) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _md_cell(value: Cell) -> str:
    return " ".join(_md(_cell_text(value)).split())


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md(block.text), ""]
    if isinstance(block, Note):
        return ["> " + line for line in _md(block.text).splitlines()] + [""]
    if isinstance(block, Table):
        marks = {"left": "---", "right": "---:", "center": ":---:"}
        lines = [f"**Table: {_md_cell(block.caption)}**", ""] if block.caption.strip() else []
        lines.append("| " + " | ".join(_md_cell(c) for c in block.columns) + " |")
        lines.append("| " + " | ".join(marks[a] for a in _alignments(block)) + " |")
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in block.rows]
        return [*lines, ""]
    caption = f"**Figure: {_md_cell(block.caption)}**" if block.caption.strip() else "**Figure**"
    return [caption, "", _md(block.alt.strip()), ""]


def document_markdown(document: Document) -> str:
    """The same content as Markdown (tables as Markdown tables, figures as their text alternatives)."""
    lines = [f"# {_md_cell(document.title)}", ""]
    if document.subtitle.strip():
        lines += [_md(document.subtitle), ""]
    if document.author.strip():
        lines += [f"*{_md_cell(document.author)}*", ""]
    for section in document.sections:
        lines += [f"{'#' * (section.level + 1)} {_md_cell(section.heading)}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    return "\n".join(lines).rstrip() + "\n"
