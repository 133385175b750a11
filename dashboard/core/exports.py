"""Safe exports: every CSV and spreadsheet Vocation writes, with formula injection neutralised.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by spreadsheet programs (CSV injection). As OWASP advises, such a cell gets an apostrophe in
front, so a spreadsheet shows it as the text it is. Numbers, dates and empty cells are written
as they are. Downloads in the app and the commands' CSV output all go through this module.
"""

from __future__ import annotations

import io

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula prefixed by `'`."""
    text = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )


def csv_text(frame: pl.DataFrame) -> str:
    """The frame as CSV text, neutralised."""
    return neutralised(frame).write_csv()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as UTF-8 CSV bytes, neutralised."""
    return csv_text(frame).encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """The frame as an Excel workbook (one sheet), neutralised; text is never written as a formula."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
        "default_date_format": "yyyy-mm-dd",
    }
    workbook = Workbook(buffer, options)
    try:
        neutralised(frame).write_excel(workbook=workbook, worksheet=sheet, autofit=True)
    finally:
        workbook.close()
    return buffer.getvalue()
