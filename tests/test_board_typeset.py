"""The board report's typesetting: tagged PDF/UA-1 structure, literal data, Markdown twin, speed."""

import shutil
import subprocess
import time

import altair as alt
import pikepdf
import polars as pl
import pytest

from dashboard.board.typeset import (
    Document,
    Figure,
    Note,
    Paragraph,
    Section,
    Table,
    document_markdown,
    render_pdf,
)

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
NASTY = 'Prog #read("/etc/passwd") *bold* _it_ $x^2$ ] [ \\ <tag> @ref "quoted" `raw` // c\nsecond line'


def _bar_chart(values: dict[str, int], title: str = "Hires by program") -> alt.Chart:
    frame = pl.DataFrame({"program": list(values), "hires": list(values.values())})
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(x=alt.X("program:N", title="Program"), y=alt.Y("hires:Q", title="Hires"))
        .properties(width=320, height=200)
    )


def _document() -> Document:
    return Document(
        title="Board report: hiring and training",
        subtitle="Quarter 3, 2026",
        author="Riverside County Behavioral Health",
        sections=(
            Section(
                "Hiring",
                (
                    Paragraph("Programs hired 47 people this quarter."),
                    Table(
                        "Hiring funnel by program",
                        ("Program", "Applied", "Hired"),
                        (
                            ("Eastside Clinic", 1234, 17),
                            ("Harbor Youth", 877, 30),
                            ("Valley Peers", "<11", "—"),
                        ),
                    ),
                    Note("Counts under 11 are suppressed. n = 2,111 applications."),
                ),
            ),
            Section(
                "Training",
                (
                    Paragraph("Three cohorts completed the curriculum."),
                    Figure(
                        _bar_chart({"Eastside": 17, "Harbor": 30}),
                        alt="Bar chart of hires by program: Eastside 17, Harbor 30.",
                        caption="Hires by program",
                    ),
                ),
            ),
            Section("Method", (Paragraph("Scores are guidance, not a verdict."),), level=2),
        ),
    )


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)
    return found


def _text(data: bytes, tmp_path, layout: bool = False) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = [PDFTOTEXT, *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_pdf(_document())


def test_pdf_is_tagged_pdf_ua_1(rendered, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(rendered)
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo["/Title"]) == "Board report: hiring and training"
        with pdf.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"
            assert meta["dc:title"] == "Board report: hiring and training"
        elements = _elements(pdf)
        kinds = [str(e.S) for e in elements]
        assert kinds.count("/H1") == 2 and kinds.count("/H2") == 1
        assert kinds.count("/TH") == 3 and "/TD" in kinds and "/Table" in kinds
        figures = [e for e in elements if e.S == "/Figure"]
        assert len(figures) == 1
        assert all(str(f.get("/Alt", "")).strip() for f in figures)
        assert str(figures[0].Alt) == "Bar chart of hires by program: Eastside 17, Harbor 30."
        assert pdf.pages[0].MediaBox[2:] == [612, 792]  # US Letter


def test_text_extracts_headings_and_table_figures(rendered, tmp_path):
    text = _text(rendered, tmp_path)
    for expected in ("Board report: hiring and training", "Hiring", "Training", "Method", "Eastside Clinic"):
        assert expected in text
    for figure in ("1234", "877", "17", "30", "<11", "—", "n = 2,111"):
        assert figure in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text  # page numbers in the footer


def test_data_is_printed_literally_never_run(tmp_path):
    document = Document(
        title="Report " + NASTY,
        subtitle=NASTY,
        author=NASTY,
        sections=(
            Section(
                "Heading " + NASTY,
                (
                    Paragraph(NASTY),
                    Note(NASTY),
                    Table(NASTY, (NASTY, "n"), ((NASTY, 12), ("#sys.inputs", '$"x"$'))),
                    Figure(_bar_chart({NASTY: 3, "b": 4}), alt="Alt " + NASTY, caption=NASTY),
                ),
            ),
        ),
    )
    data = render_pdf(document)
    text = _text(data, tmp_path)
    flat = " ".join(text.split())
    one_line = " ".join(NASTY.split())
    assert 'Prog #read("/etc/passwd") *bold* _it_ $x^2$ ] [ \\ <tag> @ref "quoted" `raw` // c' in flat
    assert one_line in flat  # titles, headings and captions collapse the newline
    assert "root:" not in text  # /etc/passwd was never read
    assert "#sys.inputs" in text and '$"x"$' in text
    with pikepdf.open(tmp_path / "report.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Report " + one_line
        figure = next(e for e in _elements(pdf) if e.S == "/Figure")
        assert str(figure.Alt) == "Alt " + NASTY


def test_figure_without_alt_is_refused():
    with pytest.raises(ValueError, match="text alternative"):
        Figure(_bar_chart({"a": 1}), alt="")
    with pytest.raises(ValueError, match="text alternative"):
        Figure({"mark": "bar"}, alt="   \n")


def test_model_is_checked():
    with pytest.raises(ValueError):
        Table("t", ("a", "b"), (("only one",),))
    with pytest.raises(ValueError):
        Document(title="  ")
    with pytest.raises(ValueError):
        Document(title="t", language="english")
    with pytest.raises(ValueError, match="skips a level"):
        Document(title="t", sections=(Section("deep", level=3),))


def test_vega_lite_dict_and_region(tmp_path):
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"k": "x", "v": 1}, {"k": "y", "v": 2}]},
        "mark": "bar",
        "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}},
    }
    document = Document("Dict chart", language="en-US", sections=(Section("S", (Figure(spec, "x 1, y 2"),)),))
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(document))
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-US"


def test_external_chart_data_is_refused():
    spec = {"data": {"url": "/etc/passwd"}, "mark": "bar"}
    with pytest.raises(ValueError, match="not allowed"):
        render_pdf(Document("t", sections=(Section("S", (Figure(spec, "nothing"),)),)))


def test_markdown_twin():
    markdown = document_markdown(_document())
    assert markdown.startswith("# Board report: hiring and training\n")
    assert "## Hiring" in markdown and "### Method" in markdown
    assert "| Program | Applied | Hired |" in markdown
    assert "| --- | ---: | ---: |" in markdown
    assert "| Eastside Clinic | 1234 | 17 |" in markdown
    assert "| Valley Peers | \\<11 | — |" in markdown
    assert "Bar chart of hires by program: Eastside 17, Harbor 30." in markdown
    assert "> Counts under 11 are suppressed." in markdown
    nasty = document_markdown(Document("t", sections=(Section("S", (Table("c", ("a|b",), ((NASTY,),)),)),)))
    assert "| a\\|b |" in nasty
    assert "\\#read" in nasty and "\\*bold\\*" in nasty and "\\$x^2\\$" in nasty


def test_ten_pages_six_charts_render_quickly(tmp_path):
    sections = []
    for i in range(6):
        values = {f"Program {j}": (i + 1) * (j + 3) for j in range(8)}
        rows = tuple((f"Program {j}", 100 + i * 10 + j, f"{(j + 1) * 3.5:.1f}%") for j in range(24))
        sections.append(
            Section(
                f"Area {i + 1}",
                (
                    Paragraph("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12),
                    Figure(_bar_chart(values, f"Chart {i + 1}"), alt=f"Bar chart {i + 1}: " + str(values)),
                    Table(f"Table {i + 1}", ("Program", "Count", "Share"), rows),
                    Note("Counts under 11 are suppressed."),
                ),
            )
        )
    document = Document("Timing report", "Ten pages, six charts", sections=tuple(sections))
    start = time.perf_counter()
    data = render_pdf(document)
    seconds = time.perf_counter() - start
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
        assert sum(1 for e in _elements(pdf) if e.S == "/Figure") == 6
    print(f"\nboard report: {pages} pages, 6 charts, {seconds:.2f} s")
    assert pages >= 8
    assert seconds < 10
