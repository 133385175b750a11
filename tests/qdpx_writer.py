"""Writes REFI-QDA `.qdpx` projects for the tests, the way real tools export them.

A fixture says what a coder selected by quoting it (with `\\n` line ends); the writer stores the
text as the tool would (CRLF or LF, with or without a byte-order mark, in a file under `sources/`
or `Sources/`, or inline) and counts each selection's positions the tool's way:

* `codepoints`: Unicode code points of the file's text (the standard; QualCoder, MAXQDA);
* `utf16`: UTF-16 code units of the file's text, so an emoji counts two (NVivo);
* `crlf_as_one`: code points with each CRLF counted as one (ATLAS.ti).

The counting here is done independently of dashboard.refiqda.positions (from the quoted prefix), so
the tests check the reader against the tools' rules, not against itself. Also builds hostile zips.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

PROJECT_NS = "urn:QDA-XML:project:1.0"
QDC_NS = "urn:QDA-XML:codebook:1.0"


def guid(seed: str) -> str:
    """A fixed GUID for a fixture name (so fixtures are reproducible)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qdpx-fixture/{seed}"))


@dataclass
class Sel:
    """A coded selection: the quoted text (its n-th occurrence), the codes and who coded it."""

    quote: str
    codes: list[str]
    coder: str | None = None  # the Coding's creatingUser
    sel_user: str | None = None  # the selection's creatingUser
    sel_modifier: str | None = None  # the selection's modifyingUser
    occurrence: int = 0
    guid: str = ""
    positions: tuple[int, int] | None = None  # force positions (e.g. zero-length, out of range)


@dataclass
class Src:
    """A text source: its text with `\\n` line ends, and how the tool stores it."""

    name: str
    text: str
    selections: list[Sel] = field(default_factory=list)
    crlf: bool = False
    bom: bool = False
    inline: bool = False
    utf16: bool = False
    guid: str = ""
    plain_text_path: str | None = None  # override the internal:// path


def count(text: str, offset: int, scheme: str, crlf: bool) -> int:
    """Position of `offset` in the `\\n` text as the tool counts it in the stored text."""
    prefix = text[:offset]
    stored = prefix.replace("\n", "\r\n") if crlf else prefix
    if scheme == "codepoints":
        return len(stored)
    if scheme == "utf16":
        return len(stored.encode("utf-16-le")) // 2
    if scheme == "crlf_as_one":
        return len(prefix)
    raise ValueError(scheme)


def locate(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    """Start and end of the n-th occurrence of `quote` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def _code_elements(parent: ET.Element, codes: list[dict], q: str, fmt) -> None:
    for code in codes:
        el = ET.SubElement(
            parent,
            f"{q}Code",
            {"guid": fmt(code["guid"]), "name": code["name"], "isCodable": code.get("codable", "true")},
        )
        if code.get("description"):
            ET.SubElement(el, f"{q}Description").text = code["description"]
        _code_elements(el, code.get("children", []), q, fmt)


def codes_from_qdc(qdc_text: str) -> list[dict]:
    """The code tree of a `.qdc` codebook, as a tool holds it after importing the file."""
    root = ET.fromstring(qdc_text)

    def walk(element):
        return [
            {
                "guid": c.get("guid"),
                "name": c.get("name"),
                "description": (c.findtext(f"{{{QDC_NS}}}Description") or ""),
                "children": walk(c),
            }
            for c in element.findall(f"{{{QDC_NS}}}Code")
        ]

    return walk(root.find(f"{{{QDC_NS}}}Codes"))


def project_xml(
    sources: list[Src],
    users: list[dict],
    codes: list[dict],
    origin: str,
    scheme: str,
    namespace: str = PROJECT_NS,
    guid_format=lambda g: g,
    project_user: str | None = None,
    name: str = "Vocation interviews",
) -> tuple[bytes, dict[str, bytes]]:
    """The project XML and the source files (path in the zip -> bytes)."""
    q = f"{{{namespace}}}"
    ET.register_namespace("", namespace)
    fmt = guid_format
    attrs = {"name": name, "origin": origin}
    if project_user:
        attrs["creatingUserGUID"] = fmt(project_user)
    root = ET.Element(f"{q}Project", attrs)
    if users:
        el = ET.SubElement(root, f"{q}Users")
        for u in users:
            ET.SubElement(el, f"{q}User", {k: (fmt(v) if k == "guid" else v) for k, v in u.items()})
    book = ET.SubElement(ET.SubElement(root, f"{q}CodeBook"), f"{q}Codes")
    _code_elements(book, codes, q, fmt)
    files: dict[str, bytes] = {}
    src_el = ET.SubElement(root, f"{q}Sources")
    for i, src in enumerate(sources):
        sguid = src.guid or guid(f"source/{src.name}/{i}")
        attrs = {"guid": fmt(sguid), "name": src.name}
        stored = src.text.replace("\n", "\r\n") if src.crlf else src.text
        if not src.inline:
            attrs["plainTextPath"] = src.plain_text_path or f"internal://{sguid}.txt"
            data = stored.encode("utf-16") if src.utf16 else stored.encode("utf-8")
            files[f"{sguid}.txt"] = (b"\xef\xbb\xbf" if src.bom and not src.utf16 else b"") + data
        el = ET.SubElement(src_el, f"{q}TextSource", attrs)
        if src.inline:
            ET.SubElement(el, f"{q}PlainTextContent").text = ("\ufeff" if src.bom else "") + src.text
        for j, sel in enumerate(src.selections):
            if sel.positions is not None:
                start, end = sel.positions
            else:
                a, b = locate(src.text, sel.quote, sel.occurrence)
                start, end = count(src.text, a, scheme, src.crlf), count(src.text, b, scheme, src.crlf)
            sattrs = {
                "guid": fmt(sel.guid or guid(f"selection/{src.name}/{j}")),
                "startPosition": str(start),
                "endPosition": str(end),
            }
            if sel.sel_user:
                sattrs["creatingUser"] = fmt(sel.sel_user)
            if sel.sel_modifier:
                sattrs["modifyingUser"] = fmt(sel.sel_modifier)
            sel_el = ET.SubElement(el, f"{q}PlainTextSelection", sattrs)
            for k, code in enumerate(sel.codes):
                cattrs = {"guid": fmt(guid(f"coding/{src.name}/{j}/{k}/{sel.coder}"))}
                if sel.coder:
                    cattrs["creatingUser"] = fmt(sel.coder)
                coding = ET.SubElement(sel_el, f"{q}Coding", cattrs)
                ET.SubElement(coding, f"{q}CodeRef", {"targetGUID": fmt(code)})
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8"), files


def write_qdpx(
    path: Path,
    sources: list[Src],
    users: list[dict],
    codes: list[dict],
    origin: str = "QualCoder 3.6",
    scheme: str = "codepoints",
    qde_name: str = "project.qde",
    sources_dir: str = "sources",
    **kwargs,
) -> Path:
    """Write a `.qdpx` zip holding the project file and its sources folder."""
    xml, files = project_xml(sources, users, codes, origin, scheme, **kwargs)
    members = {qde_name: xml, **{f"{sources_dir}/{name}": data for name, data in files.items()}}
    return write_zip(path, members)


def write_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    """A zip with exactly these member names (even hostile ones) and contents."""
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = compression
            zf.writestr(info, data)
    return path


def understate_size(path: Path, member: str, declared: int) -> Path:
    """Rewrite a member's recorded uncompressed size (local and central headers) to `declared`."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(signature)
        while pos != -1:
            if data[pos + name_at : pos + name_at + len(name)] == name:
                data[pos + size_at : pos + size_at + 4] = declared.to_bytes(4, "little")
            pos = data.find(signature, pos + 1)
    path.write_bytes(bytes(data))
    return path
