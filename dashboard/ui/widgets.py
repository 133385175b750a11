"""Rendering pieces every page shares: tables with CSV and XLSX downloads, charts with their data,
the study's caveat and sample-size labels. Data values are always rendered as text, never HTML."""

from __future__ import annotations

import hashlib
import threading

import altair as alt
import polars as pl
import streamlit as st

from dashboard import codebook
from dashboard.core import exports, labels
from dashboard.core.contract import SMALL_SAMPLE
from dashboard.store import audit, db
from dashboard.ui.signin import current_scope


def caveat() -> None:
    """The one-line statement of the study's limits, shown wherever scores are."""
    st.caption(codebook.STUDY_CAVEAT)


def n_label(n: int | None) -> str:
    """'n = 12', marked when the sample is small."""
    if not n:  # nothing to read with care
        return "n = 0"
    return f"n = {n}" + (" (small sample: read with care)" if n < SMALL_SAMPLE else "")


NOTHING = "Nothing to show here for this choice."
_COLUMNS = {"date": st.column_config.DateColumn, "datetime": st.column_config.DatetimeColumn}


def dataframe(frame: pl.DataFrame, key: str, scores: tuple[str, ...] = (), empty: str = NOTHING, **kwargs):
    """A table as people read it (labels.for_display): readable headings, dates as dates, empty
    cells blank, scores to one decimal, changes signed; values always plain text, never HTML.
    `scores` names further 0-4 score columns; a table without rows says `empty` instead."""
    if frame.is_empty():
        st.info(empty, icon=":material/info:")
        return None
    shown = labels.for_display(frame, scores)
    config = {
        heading: _COLUMNS.get(kind, st.column_config.NumberColumn)(format=fmt)
        for heading, (kind, fmt) in shown.formats.items()
    }
    for name, setting in (kwargs.pop("column_config", None) or {}).items():
        config[shown.headings.get(name, name)] = setting
    # An Arrow table goes to the browser as it is; a polars frame would pass through pandas first.
    return st.dataframe(
        shown.frame.to_arrow(),
        hide_index=True,
        key=key,
        column_config=config or None,
        placeholder="",
        **kwargs,
    )


def table(
    frame: pl.DataFrame, key: str, file_name: str, audit_object: str = "", xlsx: bool = False, **kwargs
):
    """A table and a button that downloads it as CSV (and XLSX when asked); downloads are audited."""
    event = dataframe(frame, f"{key}_table", **kwargs)
    download(frame, key, file_name, audit_object, xlsx=xlsx)
    return event


def download(
    frame: pl.DataFrame, key: str, file_name: str, audit_object: str = "", xlsx: bool = False
) -> None:
    """A CSV download button for `frame` (and an XLSX one when asked), written only when pressed.

    Every file goes through dashboard/core/exports.py (formula injection neutralised); each download
    is audited."""
    _download_buttons(lambda: frame, key, file_name, audit_object or file_name, frame.height, "", xlsx, "")


def download_on_press(
    build_frame, key: str, file_name: str, audit_object: str, rows: int, role: str = "", xlsx: bool = False
) -> None:
    """Downloads of a long table (every page), the frame built only when a button is pressed; audited."""
    _download_buttons(build_frame, key, file_name, audit_object, rows, role, xlsx, " (all pages)")


def document_on_press(build, label: str, key: str, file_name: str, mime: str, audit_object: str) -> None:
    """A download of a document Vocation typesets (the board report's PDF): `build()` makes its
    bytes only when the button is pressed; the download is audited."""
    st.download_button(
        label,
        build,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click=_audit_export,
        args=(audit_object, 1, ""),
        icon=":material/picture_as_pdf:",
    )


def _download_buttons(build_frame, key, file_name, audit_object, rows, role, xlsx, suffix) -> None:
    """The CSV button, and beside it the XLSX one; keys: `<key>_download`, `<key>_download_xlsx`."""
    key = key if key.endswith("_download") else f"{key}_download"
    columns = st.columns(2) if xlsx else [st]
    columns[0].download_button(
        f"Download CSV{suffix}",
        lambda: exports.csv_bytes(build_frame()),
        file_name=file_name,
        mime=exports.CSV_MIME,
        key=key,
        on_click=_audit_export,
        args=(audit_object, rows, role),
        icon=":material/download:",
    )
    if xlsx:
        columns[1].download_button(
            f"Download XLSX{suffix}",
            lambda: exports.xlsx_bytes(build_frame()),
            file_name=file_name.removesuffix(".csv") + ".xlsx",
            mime=exports.XLSX_MIME,
            key=f"{key}_xlsx",
            on_click=_audit_export,
            args=(f"{audit_object} (xlsx)", rows, role),
            icon=":material/table_view:",
        )


def page_count(rows: int, size: int) -> int:
    """How many pages of `size` rows a table of `rows` rows fills (at least one)."""
    return max(1, -(-rows // size))


def page_of(frame: pl.DataFrame, page: int, size: int) -> pl.DataFrame:
    """Rows of one page (1-based, clamped to the first and the last) of a table already read."""
    page = min(max(page, 1), page_count(frame.height, size))
    return frame.slice((page - 1) * size, size)


def page_picker(label: str, pages: int, key: str) -> int:
    """The page of a long table to show (1-based); back to 1 when the table has shrunk below it."""
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = 1
    return st.number_input(label, min_value=1, max_value=pages, step=1, key=key)


def paged(label: str, total: int, size: int, key: str, unit: str = "rows") -> int:
    """A page picker for a table of `total` rows shown `size` at a time; returns the page."""
    pages = page_count(total, size)
    return page_picker(f"{label}: page (of {pages}, {size} {unit} each; {n_label(total)})", pages, key)


def percent_columns(*names: str) -> dict:
    """Column settings that show these share columns (0-1) as percentages."""
    return {name: st.column_config.NumberColumn(format="percent") for name in names}


def side_by_side(tables: list[tuple[str, str, pl.DataFrame]], key: str) -> None:
    """One column per (id, label, table): the label as text above its table."""
    for column, (item, label, frame) in zip(st.columns(len(tables)), tables, strict=True):
        with column:
            st.text(label)
            dataframe(frame, f"{key}_{item}")


def program_picker(programs: pl.DataFrame, key: str, everything: str | None = None, label="Program"):
    """A select box over programs (program_id, program_name); `everything` adds a None choice."""
    names = dict(zip(programs["program_id"], programs["program_name"], strict=True))
    if everything is None:
        return st.selectbox(label, list(names), format_func=names.get, key=key)
    return st.selectbox(
        label,
        [None, *names],
        format_func=lambda p: everything if p is None else f"{names[p]} ({p})",
        key=key,
    )


def cohort_picker(cohorts: pl.DataFrame, program: str, key: str, everything: str | None = None):
    """A select box over one program's cohorts; `everything` adds a first choice meaning all (None)."""
    in_program = cohorts.filter(pl.col("program_id") == program)
    labels = dict(zip(in_program["cohort_id"], in_program["cohort_name"], strict=True))
    if everything is not None:
        labels = {"": everything} | labels
    return st.selectbox("Cohort", list(labels), format_func=labels.get, key=key) or None


def file_downloads(files: list[tuple[str, object, str, str]], key: str) -> None:
    """Download buttons side by side for files Vocation makes from its own fixed text (the import
    templates): (label, data or a function making it, file name, MIME type). Data from the
    database goes through `download`, which neutralises formulas."""
    for column, (label, data, name, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(label, data, name, mime, key=f"{key}_{name}", icon=":material/download:")


def find_person(search, noun: str, key: str, on_pick) -> None:
    """Find a person: a search box, what it found, and a choice among the matches; choosing one
    calls `on_pick(row)` (before the page runs again). `search(text)` is a people_search function,
    which reads only the programs of the signed-in person."""
    text = st.text_input(f"Name or id of the {noun} (part of either)", key=f"{key}_text")
    if not text.strip():
        return
    matches = search(text)
    st.caption(matches.summary(noun))
    if matches.total:
        rows = {row["label"]: row for row in matches.rows.iter_rows(named=True)}
        st.selectbox(
            f"Matching {noun}s",
            list(rows),
            index=None,
            placeholder=f"Choose the {noun} to open",
            key=f"{key}_pick",
            on_change=lambda: (
                (picked := st.session_state[f"{key}_pick"]) is not None and on_pick(rows[picked])
            ),
        )


def _audit_export(obj: str, rows: int, role: str = "") -> None:
    audit.record(db.app_store(), current_scope(), "export", obj, rows, role=role)


# Altair's theme and data transformer are process-wide settings: one chart is converted at a time.
_ALTAIR_LOCK = threading.Lock()


def _named_frame(data: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Altair data transformer: keep a chart's frame as it is, under a name that hashes its content
    (Streamlit sends it to the browser as Arrow, and a chart redraws only when the data changed)."""
    digest = hashlib.sha1(str(data.schema).encode())
    digest.update(data.hash_rows(seed=0).to_numpy().tobytes())
    name = f"data-{digest.hexdigest()[:16]}"
    frames[name] = data
    return {"name": name}


alt.data_transformers.register("vocation_named_frames", _named_frame)


def vega_lite_spec(chart_: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, its frames under `datasets`, without Altair's schema validation.

    Validation costs about 45 ms a chart on every re-run and only re-checks what the tests already
    check once (tests/test_roles.py validates every chart the pages draw, for every role)."""
    frames: dict[str, pl.DataFrame] = {}
    with (
        _ALTAIR_LOCK,
        alt.theme.enable("none"),
        alt.data_transformers.enable("vocation_named_frames", frames=frames),
    ):
        spec = chart_.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **frames}
    return spec


def chart(
    chart_: alt.TopLevelMixin, data: pl.DataFrame, key: str, caption: str = "", empty: str | None = None
) -> None:
    """An Altair chart, announced to screen readers by its description, with its numbers available
    as a table (the chart's text alternative). When `empty` gives a reason (labels.empty_reason),
    the reason is said in words instead of drawing an empty axis."""
    if empty:
        st.info(empty, icon=":material/info:")
        if data.is_empty():
            return
    else:
        # Vega names the chart for screen readers by the spec's description (charts/style.py); an
        # `alt` here would also be repeated in each of the chart's toolbar buttons
        st.vega_lite_chart(spec=vega_lite_spec(chart_), key=f"{key}_chart")
    # The table is drawn only while the expander is open (opening it re-runs the page, from the
    # cache): a hidden table under every chart cost the browser a tenth of a chart page's work.
    numbers = st.expander("Chart data (text alternative)", key=f"{key}_chart_numbers", on_change="rerun")
    if numbers.open:
        with numbers:
            if caption:
                st.caption(caption)
            dataframe(data, f"{key}_chart_data")


def text_download(text: str, key: str, file_name: str, mime: str) -> None:
    """A download button for a document Vocation wrote (e.g. the validation summary); audited."""
    st.download_button(
        f"Download {file_name}",
        text.encode("utf-8"),
        file_name=file_name,
        mime=mime,
        key=f"{key}_download",
        on_click=_audit_export,
        args=(file_name, 1, ""),
        icon=":material/download:",
    )
