"""Coded transcripts in: a REFI-QDA `.qdpx` project becomes excerpts, transcripts and positions.

Each text selection coded with a mapped code becomes an excerpt in the data contract's shape:
interview from its source, rater from the user who coded it, theme / sub-theme / stance from the
code, text = the selected text with line ends as `\\n` (spaces and line ends around it trimmed, as
every imported value is). The excerpt id comes from the selection's and the code's GUIDs, so
importing the same project again changes nothing. Each source that yields an excerpt is kept as a
transcript (normalized text), with every excerpt's start and end in it.

Refusals (a `QdpxError` listing every reason; nothing is produced): a hostile or broken archive
(see qdpx_archive), a bad mapping file, a selection outside its text, and any coded selection
whose source or user cannot be mapped. Codes that map to nothing are skipped and counted.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.refiqda.archive import Archive, Limits, QdpxError, Where
from dashboard.refiqda.maps import (
    CodeMatcher,
    Context,
    InterviewIds,
    MapSource,
    match_source,
    match_user,
    read_map,
)
from dashboard.refiqda.positions import SCHEMES, TextIndex, choose_scheme, fits
from dashboard.refiqda.project import Project, Selection, Source, User, read_project

EXCERPT_NAMESPACE = uuid.UUID(
    "834cc53e-ca6f-4105-bd9f-f99216c26125"
)  # never change: excerpt ids derive from it
EXCERPT_COLUMNS = ("excerpt_id", "interview_id", "rater_id", "theme", "subtheme", "stance", "text")
TRANSCRIPT_COLUMNS = ("transcript_id", "interview_id", "source_name", "text")
POSITION_COLUMNS = ("excerpt_id", "transcript_id", "start_pos", "end_pos")
__all__ = ["QdpxError", "Limits", "Context", "QdpxResult", "QdpxSummary", "read_qdpx", "excerpt_id"]


def excerpt_id(selection_guid: str, code_guid: str, user_guid: str | None = None) -> str:
    """The stable excerpt id of one code on one selection (and user, when two coded it alike)."""
    name = f"{selection_guid}/{code_guid}" + (f"/{user_guid}" if user_guid else "")
    return f"qdpx-{uuid.uuid5(EXCERPT_NAMESPACE, name)}"


@dataclass
class QdpxSummary:
    """What an import of one project found: counts, skipped codes and the position scheme."""

    file: str
    project: str = ""
    origin: str = ""
    scheme: str = "codepoints"
    scheme_reason: str = ""
    text_sources: int = 0
    sources_used: int = 0
    selections: int = 0
    codings: int = 0
    excerpts: int = 0
    skipped_codes: dict[str, int] = field(default_factory=dict)
    skipped_zero_length: int = 0
    skipped_uncoded: int = 0
    skipped_other_sources: int = 0
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as lines of text for the command line and the Data page."""
        out = [
            f"{self.file}: project {self.project!r} from {self.origin or 'an unnamed tool'}",
            f"  positions counted as {SCHEMES[self.scheme]}: {self.scheme_reason}",
            f"  {self.excerpts} excerpt(s) from {self.codings} coding(s) on {self.selections} selection(s) "
            f"in {self.sources_used} of {self.text_sources} text source(s)",
        ]
        if self.skipped_codes:
            total = sum(self.skipped_codes.values())
            shown = ", ".join(f"{name!r} ({n})" for name, n in sorted(self.skipped_codes.items()))
            out.append(f"  {total} coding(s) skipped, their codes map to no theme: {shown}")
        skipped = (
            (self.skipped_zero_length, "zero-length or blank selection(s) skipped"),
            (self.skipped_uncoded, "selection(s) without a coding skipped"),
            (self.skipped_other_sources, "picture, PDF, audio or video source(s) skipped"),
        )
        out += [f"  {n} {what}" for n, what in skipped if n]
        return out + [f"  notice: {n}" for n in self.notices]


@dataclass
class QdpxResult:
    """Frames ready to import: excerpts (the contract's columns), transcripts and positions."""

    excerpts: pl.DataFrame
    transcripts: pl.DataFrame
    positions: pl.DataFrame
    summary: QdpxSummary


def _user_label(guid: str | None, users: dict[str, User]) -> str:
    """How an unmapped user is named in a refusal."""
    if guid is None:
        return "(no user named on the selection or the project)"
    user = users.get(guid)
    return user.name if user and user.name else f"{guid} (not among the project's Users)"


@dataclass
class _Mapped:
    """The people and places a project's codings resolve to, and what did not resolve."""

    interviews: dict[str, str] = field(default_factory=dict)  # source guid -> interview id
    raters: dict[str | None, str] = field(default_factory=dict)  # user guid -> rater id
    unmapped: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> why


def _resolve(project: Project, context: Context, maps: dict, matcher: CodeMatcher) -> _Mapped:
    """Map every source and user behind a coding that would become an excerpt."""
    ids, out = InterviewIds(context.interview_ids), _Mapped()
    for source in project.sources:
        wanted = [
            c for s in source.selections for c in s.codings if matcher.match(project.codes.get(c.code_guid))
        ]
        if not wanted:
            continue
        interview, why = match_source(source, ids, maps.get("sources") or {})
        if interview is None:
            out.unmapped[("source", source.name)] = why
        else:
            out.interviews[source.guid] = interview
        for guid in {c.user_guid for c in wanted} - set(out.raters):
            label = ("user", _user_label(guid, project.users))
            user = project.users.get(guid) or User(guid or "", "", "")
            rater, why = match_user(user, context.raters, maps.get("coders") or {})
            if rater is None:
                out.unmapped[label] = why
            else:
                out.raters[guid] = rater
    return out


def _excerpt_rows(
    project: Project, mapped: _Mapped, matcher: CodeMatcher, scheme: str, indexes: dict[str, TextIndex]
) -> tuple[list[dict], list[str], Counter, int]:
    """Excerpt rows with positions, problems, skipped code names and blank selections."""
    rows, problems, skipped, blank = [], [], Counter(), 0
    for source in project.sources:
        if source.guid not in mapped.interviews:
            for sel in source.selections:
                skipped.update(_code_name(project, c.code_guid) for c in sel.codings)
            continue
        index = indexes[source.guid]
        for sel in source.selections:
            span = fits(index, sel.start, sel.end, scheme)
            if span is None:
                problems.append(_outside(source, sel, scheme))
                continue
            start, end = _trimmed(index.text, *span)
            if start == end:
                blank += 1  # only spaces or line ends were selected
                continue
            for coding in sel.codings:
                target = matcher.match(project.codes.get(coding.code_guid))
                if target is None:
                    skipped[_code_name(project, coding.code_guid)] += 1
                    continue
                rows.append(
                    {
                        "selection": sel.guid,
                        "code": coding.code_guid,
                        "user": coding.user_guid,
                        "interview_id": mapped.interviews[source.guid],
                        "rater_id": mapped.raters[coding.user_guid],
                        "theme": target[0],
                        "subtheme": target[1],
                        "stance": target[2],
                        "text": index.text[start:end],
                        "transcript_id": source.guid,
                        "start_pos": start,
                        "end_pos": end,
                    }
                )
    return rows, problems, skipped, blank


def _code_name(project: Project, guid: str | None) -> str:
    """A skipped code as the summary names it."""
    code = project.codes.get(guid) if guid else None
    return code.path if code else f"(unknown code {guid})"


def _outside(source: Source, sel: Selection, scheme: str) -> str:
    """A refusal for a selection that does not fit its text."""
    return (
        f"source {source.name!r}, selection {sel.guid}: positions {sel.start}-{sel.end} fall outside "
        f"its text, or split a line end or character, when counted as {SCHEMES[scheme]}"
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces and line ends around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _frames(rows: list[dict], project: Project, indexes: dict[str, TextIndex], mapped: _Mapped):
    """The excerpts, transcripts and positions frames from the excerpt rows."""
    raters_per_pair: dict[tuple, set] = {}
    for r in rows:
        raters_per_pair.setdefault((r["selection"], r["code"]), set()).add(r["rater_id"])
    seen, excerpts = set(), []
    for r in rows:
        shared = len(raters_per_pair[(r["selection"], r["code"])]) > 1
        r["excerpt_id"] = excerpt_id(r["selection"], r["code"], r["user"] if shared else None)
        if r["excerpt_id"] not in seen:  # the same code applied twice by the same person
            seen.add(r["excerpt_id"])
            excerpts.append(r)
    schema = dict.fromkeys(EXCERPT_COLUMNS, pl.String)
    used = {r["transcript_id"] for r in excerpts}
    transcripts = [
        {
            "transcript_id": s.guid,
            "interview_id": mapped.interviews[s.guid],
            "source_name": s.name,
            "text": indexes[s.guid].text,
        }
        for s in project.sources
        if s.guid in used
    ]
    return (
        pl.DataFrame([{k: r[k] for k in EXCERPT_COLUMNS} for r in excerpts], schema=schema),
        pl.DataFrame(transcripts, schema=dict.fromkeys(TRANSCRIPT_COLUMNS, pl.String)),
        pl.DataFrame(
            [{k: r[k] for k in POSITION_COLUMNS} for r in excerpts],
            schema={
                "excerpt_id": pl.String,
                "transcript_id": pl.String,
                "start_pos": pl.Int64,
                "end_pos": pl.Int64,
            },
        ),
    )


def read_qdpx(
    data: bytes | str | Path,
    context: Context,
    sources: MapSource | None = None,
    coders: MapSource | None = None,
    codes: MapSource | None = None,
    limits: Limits | None = None,
    name: str | None = None,
) -> QdpxResult:
    """Read a `.qdpx` project into frames ready to import; raise QdpxError if it must be refused."""
    if not isinstance(data, bytes):
        name, data = name or Path(data).name, Path(data).read_bytes()
    name = name or "project.qdpx"
    maps = {
        kind: read_map(path, kind, context)
        for kind, path in (("sources", sources), ("coders", coders), ("codes", codes))
        if path is not None
    }
    archive = Archive(data, limits, name)
    project = read_project(archive)
    matcher = CodeMatcher(context, maps.get("codes"))
    mapped = _resolve(project, context, maps, matcher)
    if mapped.unmapped:
        unmapped = sorted(mapped.unmapped.items())
        raise QdpxError(
            [f"{name}: coded selections cannot be mapped; nothing was imported. Unmapped:"]
            + [f"  {kind} {label!r}: {why}" for (kind, label), why in unmapped],
            [Where(name, None, kind, label, f"cannot be mapped: {why}") for (kind, label), why in unmapped],
        )
    indexes = {s.guid: TextIndex(s.text(archive)) for s in project.sources if s.guid in mapped.interviews}
    by_source = {s.guid: s for s in project.sources}
    spans = [(indexes[g], sel.start, sel.end) for g in indexes for sel in by_source[g].selections]
    choice = choose_scheme(spans, project.origin)
    rows, problems, skipped, blank = _excerpt_rows(project, mapped, matcher, choice.scheme, indexes)
    if problems:
        raise QdpxError([f"{name}: selections do not fit their text; nothing was imported."] + problems)
    excerpts, transcripts, positions = _frames(rows, project, indexes, mapped)
    summary = QdpxSummary(
        file=name,
        project=project.name,
        origin=project.origin,
        scheme=choice.scheme,
        scheme_reason=choice.reason,
        text_sources=len(project.sources),
        sources_used=transcripts.height,
        selections=len({r["selection"] for r in rows}),
        codings=sum(len(s.codings) for src in project.sources for s in src.selections),
        excerpts=excerpts.height,
        skipped_codes=dict(skipped),
        skipped_zero_length=project.skipped_zero_length + blank,
        skipped_uncoded=project.skipped_uncoded,
        skipped_other_sources=project.skipped_other_sources,
        notices=list(project.notices),
    )
    if choice.off_boundary:
        summary.notices.append(f"{choice.off_boundary} selection(s) start or end inside a word")
    return QdpxResult(excerpts, transcripts, positions, summary)
