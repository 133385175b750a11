"""Opening a `.qdpx` project safely: the zip archive and its XML, treated as hostile until read.

A `.qdpx` is a zip holding one `.qde` XML file and a `sources/` folder. Nothing is extracted to
disk: members are read into memory, and only the ones needed (the `.qde` and the text sources it
names). Before reading, the archive is refused if any member's name is absolute or climbs out
with `..`, if it has too many members, if it declares too much uncompressed data, or if a member
compresses suspiciously well (a zip bomb). While reading, the bytes actually produced are counted
against the same caps, so a member that lies about its size is stopped too. XML is parsed with
defusedxml and refused outright if it has a DTD, so no entity expansion or external entity can run.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

MB = 1024 * 1024


@dataclass(frozen=True)
class Where:
    """One reason for a refusal, placed as the import report places a problem."""

    file: str
    row: int | None
    column: str
    value: str
    rule: str


class QdpxError(Exception):
    """A `.qdpx` project that cannot be imported; `problems` lists every reason as a line of text,
    `items` (when given) the same reasons placed by file, row, column and value."""

    def __init__(self, problems: list[str] | str, items: list[Where] | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.items = list(items or [])
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Limits:
    """Caps on what an archive may hold and what reading it may produce."""

    max_members: int = 20_000
    max_declared_bytes: int = 4096 * MB  # all members together, media included (never read)
    max_read_bytes: int = 256 * MB  # the .qde and text sources actually read
    max_ratio: float = 100.0  # uncompressed / compressed size of one member
    ratio_floor_bytes: int = 1 * MB  # smaller members are not held to the ratio


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name(name: str) -> str | None:
    """Why a member name is refused (absolute, a drive, `..`), or None if it is safe."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "has an absolute path"
    if ".." in re.split(r"[\\/]", name):
        return "climbs out of the archive with '..'"
    return None


class Archive:
    """An opened `.qdpx`: its members' names checked, read into memory on demand."""

    def __init__(self, data: bytes, limits: Limits | None = None, name: str = "project.qdpx"):
        self.name = name
        self.limits = limits or Limits()
        self.read_bytes = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise QdpxError(f"{name} is not a readable zip archive ({exc})") from None
        self._check(infos)
        self._members = {info.filename.replace("\\", "/").lower(): info for info in infos}
        self.qde_name = self._find_qde(infos)

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse the archive for hostile names, too many members, too much data or a bomb."""
        lim, problems = self.limits, []
        if len(infos) > lim.max_members:
            problems.append(f"{self.name} has {len(infos):,} members (the limit is {lim.max_members:,})")
        for info in infos:
            why = unsafe_name(info.filename)
            if why:
                problems.append(f"{self.name}: member {info.filename!r} {why}")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > lim.ratio_floor_bytes and ratio > lim.max_ratio:
                problems.append(
                    f"{self.name}: member {info.filename!r} expands {ratio:,.0f} times "
                    f"(the limit is {lim.max_ratio:g}); it looks like a zip bomb"
                )
        declared = sum(info.file_size for info in infos)
        if declared > lim.max_declared_bytes:
            problems.append(
                f"{self.name} would expand to {declared / MB:,.0f} MB "
                f"(the limit is {lim.max_declared_bytes / MB:,.0f} MB)"
            )
        if problems:
            raise QdpxError(problems)

    def _find_qde(self, infos: list[zipfile.ZipInfo]) -> str:
        """The project XML: `project.qde`, else the one `.qde` at the top of the archive."""
        top = [i.filename for i in infos if "/" not in i.filename and i.filename.lower().endswith(".qde")]
        named = [n for n in top if n.lower() == "project.qde"]
        if named:
            return named[0]
        if len(top) == 1:
            return top[0]
        if not top:
            raise QdpxError(f"{self.name} holds no project file (.qde); is it a REFI-QDA .qdpx export?")
        raise QdpxError(f"{self.name} holds several project files and none is project.qde: {', '.join(top)}")

    def read(self, path: str) -> bytes:
        """A member's bytes, counted against the read cap (path matched case-insensitively)."""
        info = self._members.get(path.replace("\\", "/").lower())
        if info is None:
            raise KeyError(path)
        budget = self.limits.max_read_bytes - self.read_bytes
        chunks, produced = [], 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(MB):
                    produced += len(chunk)
                    if produced > info.file_size or produced > budget:
                        raise QdpxError(
                            f"{self.name}: reading {info.filename!r} produced more data than allowed "
                            f"({self.limits.max_read_bytes / MB:,.0f} MB in all, or more than it declares)"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as exc:
            raise QdpxError(f"{self.name}: member {info.filename!r} cannot be read ({exc})") from None
        self.read_bytes += produced
        return b"".join(chunks)

    def source(self, plain_text_path: str) -> bytes:
        """The text file an `internal://NAME` path points to, in `sources/` or `Sources/`."""
        if not plain_text_path.startswith("internal://"):
            raise QdpxError(
                f"{self.name}: the source file {plain_text_path!r} is not inside the project "
                "(only internal:// sources can be read; export the project with its sources)"
            )
        inner = plain_text_path.removeprefix("internal://")
        why = unsafe_name(inner)
        if why:
            raise QdpxError(f"{self.name}: source path {plain_text_path!r} {why}")
        for candidate in (f"sources/{inner}", inner):
            if candidate.replace("\\", "/").lower() in self._members:
                return self.read(candidate)
        raise QdpxError(f"{self.name}: the source file {inner!r} is missing from its sources/ folder")

    def project_xml(self) -> Element:
        """The parsed `.qde` root element."""
        return parse_xml(self.read(self.qde_name), f"{self.name}/{PurePosixPath(self.qde_name).name}")


def parse_xml(data: bytes, where: str) -> Element:
    """Parse XML with defusedxml: no DTD, so no entity expansion and no external entities."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise QdpxError(
            f"{where}: the XML declares a DTD (<!DOCTYPE>), which could expand entities or fetch "
            "external files; REFI-QDA exports have none, so it was refused"
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise QdpxError(f"{where}: the XML declares entities or external references; refused") from None
    except ParseError as exc:
        raise QdpxError(f"{where}: not well-formed XML ({exc})") from None
