"""Reading a REFI-QDA project (`.qde` XML) into plain records: users, codes, text sources, codings.

What real exports do, and what is accepted: namespace versions `1.0`, `1:0`, `0:4` (any other
`urn:QDA-XML:project:` version with a notice); GUIDs in either case, with or without braces
(compared normalized); codes nested to any depth, parents codable too; a source's text in a file
(`plainTextPath="internal://…"` in `sources/` or `Sources/`) or inline (`PlainTextContent`), in
UTF-8 or UTF-16, with any byte-order mark dropped; a coding's user taken from the Coding, else
the selection's creating user, else its modifying user, else the project's creating user.
Zero-length selections and selections without codings are skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from dashboard.refiqda.archive import Archive, QdpxError

PROJECT_NS = "urn:QDA-XML:project:"
KNOWN_VERSIONS = ("1.0", "1:0", "0:4")
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def norm_guid(value: str | None) -> str | None:
    """A GUID compared loosely: no braces, no spaces, lower case."""
    if value is None:
        return None
    guid = value.strip().strip("{}").strip().lower()
    return guid or None


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    """The direct children called `name`, whatever their namespace."""
    return [c for c in element if local(c.tag) == name]


@dataclass
class User:
    """A person who coded in the project."""

    guid: str
    name: str
    id: str


@dataclass
class Code:
    """A code of the project's codebook; `path` names its ancestors ("Parent / Child")."""

    guid: str
    name: str
    parent_guid: str | None
    path: str


@dataclass
class Coding:
    """One code applied to a selection, by one user (None if the file names nobody)."""

    guid: str
    code_guid: str | None
    user_guid: str | None


@dataclass
class Selection:
    """A coded stretch of a text source, in the positions the file gives."""

    guid: str
    start: int
    end: int
    codings: list[Coding]


@dataclass
class Source:
    """A text source: where its text is (inline or a path in the archive) and its coded selections."""

    guid: str
    name: str
    selections: list[Selection]
    inline: str | None = None
    path: str | None = None

    def text(self, archive: Archive) -> str:
        """The source's text as written (line ends kept), its byte-order mark dropped."""
        if self.inline is not None:
            return self.inline.removeprefix("\ufeff")
        if self.path:
            return decode_text(archive.source(self.path), f"source {self.name!r} ({self.path})")
        raise QdpxError(
            f"source {self.name!r} has coded selections but no text (no plainTextPath or PlainTextContent)"
        )


@dataclass
class Project:
    """What the importer needs from a project file."""

    name: str
    origin: str
    version: str
    users: dict[str, User]
    codes: dict[str, Code]
    sources: list[Source]
    skipped_zero_length: int = 0
    skipped_uncoded: int = 0
    skipped_other_sources: int = 0
    notices: list[str] = field(default_factory=list)


def decode_text(data: bytes, where: str) -> str:
    """A source file's text: UTF-8 (or UTF-16 with its mark), byte-order mark dropped."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QdpxError(f"{where}: the text is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def _codes(element: Element, parent: Code | None, out: dict[str, Code]) -> None:
    """Collect the Code elements under `element`, depth first."""
    for el in children(element, "Code"):
        guid = norm_guid(el.get("guid"))
        if guid is None:
            continue
        name = (el.get("name") or "").strip()
        code = Code(
            guid, name, parent.guid if parent else None, f"{parent.path} / {name}" if parent else name
        )
        out[guid] = code
        _codes(el, code, out)


def _int(value: str | None, what: str) -> int:
    """A position attribute as a whole number."""
    try:
        return int((value or "").strip())
    except ValueError:
        raise QdpxError(f"{what} is not a whole number: {value!r}") from None


def _selection(el: Element, source_name: str, project_user: str | None) -> Selection:
    """One PlainTextSelection with its codings and the user behind each."""
    guid = norm_guid(el.get("guid")) or ""
    where = f"source {source_name!r}, selection {guid}"
    start = _int(el.get("startPosition"), f"{where}: startPosition")
    end = _int(el.get("endPosition"), f"{where}: endPosition")
    fallback = norm_guid(el.get("creatingUser")) or norm_guid(el.get("modifyingUser")) or project_user
    codings = []
    for coding in children(el, "Coding"):
        refs = children(coding, "CodeRef")
        code = norm_guid(refs[0].get("targetGUID")) if refs else None
        user = norm_guid(coding.get("creatingUser")) or fallback
        codings.append(Coding(norm_guid(coding.get("guid")) or "", code, user))
    return Selection(guid, start, end, codings)


def _source(el: Element, project: Project, project_user: str | None) -> Source:
    """One TextSource with its coded selections; its text is read later, and only if it is used."""
    guid = norm_guid(el.get("guid"))
    name = (el.get("name") or guid or "").strip()
    if guid is None:
        raise QdpxError(f"source {name!r} has no guid")
    if any(s.guid == guid for s in project.sources):
        raise QdpxError(f"two sources have the same guid {guid}")
    selections = []
    for sel_el in children(el, "PlainTextSelection"):
        sel = _selection(sel_el, name, project_user)
        if sel.start == sel.end:
            project.skipped_zero_length += 1
        elif not sel.codings:
            project.skipped_uncoded += 1
        else:
            selections.append(sel)
    inline = children(el, "PlainTextContent")
    path = (el.get("plainTextPath") or "").strip() or None
    return Source(guid, name, selections, (inline[0].text or "") if inline else None, path)


def read_project(archive: Archive) -> Project:
    """Parse the archive's project file into users, codes and text sources."""
    root = archive.project_xml()
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if local(root.tag) != "Project" or not namespace.startswith(PROJECT_NS):
        raise QdpxError(
            f"{archive.qde_name}: not a REFI-QDA project (root element {local(root.tag)!r} in "
            f"namespace {namespace or 'none'!r}; expected Project in {PROJECT_NS}1.0)"
        )
    version = namespace.removeprefix(PROJECT_NS)
    project = Project(
        (root.get("name") or "").strip(), (root.get("origin") or "").strip(), version, {}, {}, []
    )
    if version not in KNOWN_VERSIONS:
        project.notices.append(f"namespace version {version!r} is not one we have seen; read as 1.0")
    for users in children(root, "Users"):
        for el in children(users, "User"):
            guid = norm_guid(el.get("guid"))
            if guid:
                project.users[guid] = User(guid, (el.get("name") or "").strip(), (el.get("id") or "").strip())
    for book in children(root, "CodeBook"):
        for codes in children(book, "Codes"):
            _codes(codes, None, project.codes)
    project_user = norm_guid(root.get("creatingUserGUID"))
    for sources in children(root, "Sources"):
        for el in sources:
            if local(el.tag) == "TextSource":
                project.sources.append(_source(el, project, project_user))
            elif local(el.tag) in OTHER_SOURCES:
                project.skipped_other_sources += 1
    return project
