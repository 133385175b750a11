"""The codebook as a REFI-QDA `.qdc` file, and the code list a coded project is mapped back with.

Every theme and sub-theme becomes a codable code whose Description is its definition (and what
evidence sounds like); under each hangs one more code, "<name> – counter", for counter-evidence.
A coder marks stance by choosing the code, so it works in any tool (NVivo, ATLAS.ti, MAXQDA,
QualCoder) with no second code to apply and no memo to fill. GUIDs are uuid5 of a fixed namespace
and the code's path (`balance`, `adaptiveness/challenge/counter`), so every export gives the
same GUIDs and a project coded with this codebook maps back by GUID, or by name when a tool
gave the codes new GUIDs.
"""

from __future__ import annotations

import re
import uuid
from xml.etree import ElementTree as ET

import polars as pl

from dashboard.core.access import Scope
from dashboard.core.contract import THEMES
from dashboard.store import db

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
QDC_FILE_NAME = "vocation-codebook.qdc"
KIT_ROLES = ("supervisor", "training_director", "interviewer")  # the Interview kit page's roles
QDC_HELP = (
    "The themes and sub-themes as a REFI-QDA codebook: import it into your qualitative-analysis "
    "tool, code the transcripts with it (a '– counter' code marks counter-evidence), export the "
    "project as .qdpx and load it on the Data page. Its codes map back with no mapping file."
)
GUID_NAMESPACE = uuid.UUID("d3ef95d2-0779-4d17-9180-326c4e8b0bf6")  # never change: GUIDs derive from it
COUNTER_SUFFIX = " – counter"
THEME_COLORS = ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#EDC948", "#76B7B2")
COUNTER_COLOR = "#7F7F7F"
CODE_COLUMNS = {
    "guid": pl.String,
    "name": pl.String,
    "parent_guid": pl.String,
    "path": pl.String,
    "theme": pl.String,
    "subtheme": pl.String,
    "stance": pl.String,
    "description": pl.String,
    "color": pl.String,
}
_DASHES = re.compile(r"\s*[-‐‑‒–—―−]\s*")


def code_guid(path: str) -> str:
    """The stable GUID of the code at `path` (e.g. `fit`, `fit/intimacy/counter`)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"vocation-codebook/{path}"))


def normalize_name(name: str) -> str:
    """A code name compared loosely: case-folded, spaces collapsed, any dash as ' - '."""
    return _DASHES.sub(" - ", " ".join(str(name).split())).casefold()


def codebook_frames(store) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The database's themes (in contract.THEMES order) and sub-themes."""
    themes = store.query("theme_list")
    order = {code: i for i, code in enumerate(THEMES)}
    themes = themes.sort(pl.col("code").replace_strict(order, default=len(order), return_dtype=pl.Int32))
    return themes, store.query("subtheme_list")


def _describe(definition: str | None, sounds_like: str | None) -> str:
    """A code's Description: the definition, then what the evidence sounds like."""
    parts = [(definition or "").strip()]
    if sounds_like and sounds_like.strip():
        parts.append(f"Sounds like: {sounds_like.strip()}")
    return "\n\n".join(p for p in parts if p)


def _code_rows(row: dict, path: str, parent: str | None, theme: str, subtheme, color: str) -> list[dict]:
    """The supports code of one theme or sub-theme and its counter child."""
    guid = code_guid(path)
    supports = {
        "guid": guid,
        "name": row["name"],
        "parent_guid": parent,
        "path": path,
        "theme": theme,
        "subtheme": subtheme,
        "stance": "supports",
        "description": _describe(row["definition"], row.get("sounds_like")),
        "color": color,
    }
    counter_note = f"Counter-evidence for “{row['name']}”: what speaks against it."
    counter = {
        **supports,
        "guid": code_guid(f"{path}/counter"),
        "name": f"{row['name']}{COUNTER_SUFFIX}",
        "parent_guid": guid,
        "path": f"{path}/counter",
        "stance": "counter",
        "description": _describe(counter_note, row.get("counter_sounds_like")),
        "color": COUNTER_COLOR,
    }
    return [supports, counter]


def codebook_codes(themes: pl.DataFrame, subthemes: pl.DataFrame) -> pl.DataFrame:
    """Every code of the exported codebook in document order, with what it maps to."""
    rows: list[dict] = []
    for i, theme in enumerate(themes.iter_rows(named=True)):
        color = THEME_COLORS[i % len(THEME_COLORS)]
        rows += _code_rows(theme, theme["code"], None, theme["code"], None, color)
        parent = rows[-2]["guid"]
        for sub in subthemes.filter(pl.col("theme") == theme["code"]).iter_rows(named=True):
            path = f"{theme['code']}/{sub['code']}"
            rows += _code_rows(sub, path, parent, theme["code"], sub["code"], color)
    return pl.DataFrame(rows, schema=CODE_COLUMNS)


def code_lookup(codes: pl.DataFrame) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """(GUID -> target, loose name -> target) for mapping codes; a target is (theme, subtheme, stance).

    Names include each code's name and its codebook code (`balance`, `challenge - counter`);
    a name that would point at two different targets is left out.
    """
    by_guid: dict[str, tuple] = {}
    by_name: dict[str, set[tuple]] = {}
    for row in codes.iter_rows(named=True):
        target = (row["theme"], row["subtheme"], row["stance"])
        by_guid[row["guid"]] = target
        short = row["subtheme"] or row["theme"]
        aliases = [row["name"], short if row["stance"] == "supports" else f"{short}{COUNTER_SUFFIX}"]
        for alias in aliases:
            by_name.setdefault(normalize_name(alias), set()).add(target)
    return by_guid, {name: next(iter(t)) for name, t in by_name.items() if len(t) == 1}


def qdc_xml(codes: pl.DataFrame) -> str:
    """The codes as a `.qdc` document (UTF-8 XML text) valid against Codebook.xsd."""
    ET.register_namespace("", QDC_NAMESPACE)
    q = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(f"{q}CodeBook", {"origin": "Vocation"})
    parents = {None: ET.SubElement(root, f"{q}Codes")}
    for row in codes.iter_rows(named=True):
        attrs = {"guid": row["guid"], "name": row["name"], "isCodable": "true", "color": row["color"]}
        element = ET.SubElement(parents[row["parent_guid"]], f"{q}Code", attrs)
        if row["description"]:
            ET.SubElement(element, f"{q}Description").text = row["description"]
        parents[row["guid"]] = element
    sets = ET.SubElement(root, f"{q}Sets")
    for stance, label in (("supports", "supporting evidence"), ("counter", "counter-evidence")):
        members = codes.filter(pl.col("stance") == stance)
        s = ET.SubElement(sets, f"{q}Set", {"guid": code_guid(f"set/{stance}"), "name": f"Vocation: {label}"})
        ET.SubElement(s, f"{q}Description").text = f"Every code that marks {label}."
        for guid in members["guid"]:
            ET.SubElement(s, f"{q}MemberCode", {"guid": guid})
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def codebook_qdc(store, scope: Scope) -> str:
    """The database's codebook as a `.qdc` document, for the roles that use the interview kit."""
    scope.require(*KIT_ROLES)
    return _codebook_qdc(store)


@db.memoize
def _codebook_qdc(store) -> str:
    """The `.qdc` document, made once per data version."""
    return qdc_xml(codebook_codes(*codebook_frames(store)))
