"""Templates to fill, one per table of the data contract, so that an IT person can produce a first
export without reading the README: a CSV and an XLSX holding the headers and one example row, and
the rule behind every column (a 'Rules' sheet and a comment on each header in the XLSX; a
companion rules file beside the CSV).

Built from dashboard/core/contract.py, so a template always says what the importer checks. The
example rows form one small consistent dataset (the same site, program, person and interview
throughout), so the filled templates import together.
"""

from __future__ import annotations

import csv
import io
import zipfile

import polars as pl
import xlsxwriter

from dashboard import codebook
from dashboard.core.contract import TABLES, TABLES_BY_NAME, Column, Table
from dashboard.core.exports import XLSX_MIME

# The tables a program exports as files: the codebook (shipped with defaults) last; the tables only
# a coded project (.qdpx) fills have no template.
TABLE_NAMES = tuple(t.name for t in sorted(TABLES, key=lambda t: t.codebook) if not t.from_projects)
TYPES = {
    "text": "text",
    "int": "a whole number",
    "float": "a number (a decimal point, no thousands separator)",
    "date": "a date written YYYY-MM-DD",
}
EXAMPLES: dict[str, dict[str, str]] = {
    "sites": {"site_id": "S01", "site_name": "Harbor Street Clinic", "region": "North"},
    "programs": {
        "program_id": "P01",
        "site_id": "S01",
        "program_name": "Adult outpatient team",
        "population": "adults with serious mental illness",
    },
    "people": {"person_id": "U0001", "full_name": "Jordan Example", "email": "jordan.example@example.org"},
    "raters": {"rater_id": "R01", "full_name": "Sam Rater", "email": "sam.rater@example.org"},
    "applications": {
        "application_id": "A0001",
        "person_id": "U0001",
        "program_id": "P01",
        "position": "Clinician I",
        "applied_on": "2025-01-15",
        "stage": "interviewed",
        "status": "open",
        "status_on": "2025-02-01",
    },
    "interviews": {
        "interview_id": "I0001",
        "person_id": "U0001",
        "program_id": "P01",
        "application_id": "A0001",
        "interview_date": "2025-02-01",
        "purpose": "hiring",
    },
    "ratings": {"interview_id": "I0001", "rater_id": "R01", "theme": "adaptiveness", "score": "3"},
    "consensus": {"interview_id": "I0001", "theme": "adaptiveness", "score": "3", "agreed_on": "2025-02-03"},
    "excerpts": {
        "excerpt_id": "E0001",
        "interview_id": "I0001",
        "rater_id": "R01",
        "theme": "adaptiveness",
        "subtheme": "challenge",
        "stance": "supports",
        "text": "When the waitlist grew we started a drop-in group; a hard week just means a new plan.",
    },
    "cohorts": {
        "cohort_id": "C01",
        "program_id": "P01",
        "cohort_name": "Internship 2025",
        "kind": "internship",
        "starts_on": "2025-07-01",
        "ends_on": "2026-06-30",
    },
    "enrollments": {
        "person_id": "U0001",
        "cohort_id": "C01",
        "enrolled_on": "2025-07-01",
        "status": "active",
        "left_on": "",
    },
    "modules": {
        "module_id": "M01",
        "module_name": "Reflective practice",
        "hours": "6",
        "description": "Case reflection in small groups.",
    },
    "module_themes": {"module_id": "M01", "theme": "learning", "emphasis": "2"},
    "module_completions": {"person_id": "U0001", "module_id": "M01", "completed_on": "2025-09-15"},
    "staff": {
        "person_id": "U0001",
        "program_id": "P01",
        "role_title": "Clinician I",
        "hired_on": "2025-03-01",
        "left_on": "",
        "exit_reason": "",
    },
    "peer_nominations": {"nominator_id": "U0002", "nominee_id": "U0001", "nominated_on": "2025-10-01"},
    "outcomes": {"person_id": "U0001", "measured_on": "2026-03-01", "measure": "burnout", "value": "42.5"},
    "demographics": {"person_id": "U0001", "sex": "female", "race_ethnicity": ""},
}


def example_row(table: str) -> dict[str, str]:
    """The template's example row (the codebook's come from the shipped codebook)."""
    if table == "themes":
        return codebook.load_themes().select(TABLES_BY_NAME[table].column_names).row(0, named=True)
    if table == "subthemes":
        frame = codebook.load_subthemes().filter(pl.col("code") == EXAMPLES["excerpts"]["subtheme"])
        return frame.select(TABLES_BY_NAME[table].column_names).row(0, named=True)
    # a column added to the contract later shows blank until it is given an example here (a test
    # requires one for every required column)
    return {c: EXAMPLES[table].get(c, "") for c in TABLES_BY_NAME[table].column_names}


def column_rule(table: Table, column: Column) -> str:
    """One column's rule in a sentence, as the importer checks it."""
    parts = ["Required" if column.required else "Optional (may be left blank)", TYPES[column.type]]
    if column.allowed:
        parts.append("one of: " + ", ".join(column.allowed))
    if column.min is not None and column.max is not None:
        parts.append(f"from {column.min:g} to {column.max:g}")
    elif column.min is not None:
        parts.append(f"{column.min:g} or more")
    if column.ref:
        ref_table, ref_column = column.ref
        parts.append(
            f"must be one of the {ref_column} values in {ref_table} (this batch or already imported)"
        )
    if table.key == (column.name,):
        parts.append("unique: no two rows share it")
    elif column.name in table.key:
        others = ", ".join(k for k in table.key if k != column.name)
        parts.append(f"part of the key: together with {others} it is unique per row")
    if column.doc:
        parts.append(column.doc)
    return "; ".join(parts) + "."


def rules_frame(table: str) -> pl.DataFrame:
    """One row per column: its name, whether it is required, its type, its rule and the example."""
    spec, example = TABLES_BY_NAME[table], example_row(table)
    return pl.DataFrame(
        {
            "column": list(spec.column_names),
            "required": ["yes" if c.required else "no" for c in spec.columns],
            "type": [TYPES[c.type] for c in spec.columns],
            "rule": [column_rule(spec, c) for c in spec.columns],
            "example": [example[c.name] or "" for c in spec.columns],
        }
    )


def table_notes(table: str) -> list[str]:
    """What applies to the whole file: what it holds, its key, and rules across columns."""
    spec = TABLES_BY_NAME[table]
    notes = [
        f"{table}: {spec.doc}.",
        f"Save it as {table}.csv, {table}.xlsx or {table}.parquet: the file name decides the table.",
        "One row per "
        + (spec.key[0] if len(spec.key) == 1 else "combination of " + ", ".join(spec.key))
        + ".",
        *(f"Rule: {rule}." for rule in spec.extra_rules),
        "Re-importing a row whose key exists updates it; identical rows are left alone.",
        "Delete the example row (or keep it, if it is true) before importing.",
    ]
    if spec.restricted:
        notes.append(
            "Restricted: only the fairness analysis reads this table; leave out what people did not provide."
        )
    return notes


def rules_text(table: str) -> str:
    """The companion to the CSV template: the file's notes and every column's rule, as plain text."""
    lines = [*table_notes(table), "", "Columns:"]
    lines += [
        f"- {r['column']}: {r['rule']} Example: {r['example'] or '(blank)'}"
        for r in rules_frame(table).iter_rows(named=True)
    ]
    return "\n".join(lines) + "\n"


def csv_template(table: str) -> str:
    """The CSV template: the header and the example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = TABLES_BY_NAME[table].column_names
    writer.writerow(columns)
    writer.writerow([example_row(table)[c] or "" for c in columns])
    return out.getvalue()


def xlsx_template(table: str) -> bytes:
    """The XLSX template: a first sheet to fill (header and example row, every cell text, a comment
    on each header with its rule) and a 'Rules' sheet explaining each column."""
    spec, rules = TABLES_BY_NAME[table], rules_frame(table)
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        bold = book.add_format({"bold": True, "bg_color": "#eef2f0", "border": 1})
        text = book.add_format({"num_format": "@"})  # typed dates stay as written, ids keep zeros
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        sheet = book.add_worksheet(table[:31])
        for i, (column, row) in enumerate(zip(spec.column_names, rules.iter_rows(named=True), strict=True)):
            sheet.set_column(i, i, max(14, len(column) + 4), text)
            sheet.write_string(0, i, column, bold)
            sheet.write_comment(0, i, row["rule"], {"x_scale": 2.5, "y_scale": 2})
            sheet.write_string(1, i, row["example"])
        sheet.freeze_panes(1, 0)
        guide = book.add_worksheet("Rules")
        guide.set_column(0, 0, 22)
        guide.set_column(1, 2, 14)
        guide.set_column(3, 3, 80, wrap)
        guide.set_column(4, 4, 30, wrap)
        for i, name in enumerate(rules.columns):
            guide.write_string(0, i, name, bold)
        for r, row in enumerate(rules.iter_rows(), start=1):
            for i, value in enumerate(row):
                guide.write_string(r, i, value)
        for r, note in enumerate(table_notes(table), start=rules.height + 2):
            guide.write_string(r, 0, note)
    return out.getvalue()


def all_templates_zip() -> bytes:
    """Every table's CSV, rules text and XLSX template in one ZIP file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLE_NAMES:
            archive.writestr(f"csv/{table}.csv", csv_template(table))
            archive.writestr(f"csv/{table}-rules.txt", rules_text(table))
            archive.writestr(f"xlsx/{table}.xlsx", xlsx_template(table))
    return out.getvalue()


def downloads(table: str) -> list[tuple[str, object, str, str]]:
    """The Data page's template downloads for a table: (label, data or a function making it, file
    name, MIME type); the XLSX and the ZIP are made only when their button is pressed."""
    return [
        ("CSV template", csv_template(table), f"{table}.csv", "text/csv"),
        ("XLSX template", lambda: xlsx_template(table), f"{table}.xlsx", XLSX_MIME),
        ("Rules for the CSV (text)", rules_text(table), f"{table}-rules.txt", "text/plain"),
        ("Every template (ZIP)", all_templates_zip, "vocation-templates.zip", "application/zip"),
    ]
