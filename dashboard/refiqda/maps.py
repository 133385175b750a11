"""Matching a coded project's sources, users and codes to Vocation's interviews, raters and codebook.

Each can come from a mapping file (CSV with a header) or, without one, from a default rule:

| file | columns | default without the file |
| --- | --- | --- |
| `--sources` | `source,interview_id` | a source whose name begins with an existing interview id |
| `--coders` | `user,rater_id` | a user whose name is a rater's id or full name (case-insensitive) |
| `--codes` | `code,theme,subtheme,stance` | Vocation's own codebook (the `.qdc` export), by GUID or name |

A file's first column may hold a name (compared case-insensitively, spaces collapsed) or a GUID;
`--codes` also takes a code's path (`Parent / Child`). Entries in a file win over the default.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.core.contract import STANCES
from dashboard.refiqda.archive import QdpxError, Where
from dashboard.refiqda.project import Code, Source, User, norm_guid
from dashboard.refiqda.qdc import code_lookup, normalize_name

MAP_COLUMNS = {
    "sources": ("source", "interview_id"),
    "coders": ("user", "rater_id"),
    "codes": ("code", "theme", "subtheme", "stance"),
}
REQUIRED = {"source", "interview_id", "user", "rater_id", "code", "theme"}


@dataclass
class Context:
    """What the database knows that a project is matched against."""

    interview_ids: list[str]
    raters: list[tuple[str, str]]  # (rater_id, full_name)
    codes: pl.DataFrame  # qdc.codebook_codes: guid, name, theme, subtheme, stance, ...
    subthemes: dict[str, str] = field(default_factory=dict)  # sub-theme code -> its theme

    @classmethod
    def from_store(cls, store) -> Context:
        """Interviews, raters and codebook as stored in the database."""
        from dashboard.refiqda.qdc import codebook_codes, codebook_frames

        themes, subthemes = codebook_frames(store)
        return cls(
            store.query("interview_id_list")["interview_id"].to_list(),
            list(store.query("rater_list").select("rater_id", "full_name").iter_rows()),
            codebook_codes(themes, subthemes),
            dict(subthemes.select("code", "theme").iter_rows()),
        )

    def to_json(self) -> dict:
        """The context as plain JSON values (for the upload's child process)."""
        return {
            "interview_ids": list(self.interview_ids),
            "raters": [list(r) for r in self.raters],
            "codes": self.codes.to_dicts(),
            "subthemes": dict(self.subthemes),
        }

    @classmethod
    def from_json(cls, data: dict) -> Context:
        """A context from `to_json`'s values."""
        from dashboard.refiqda.qdc import CODE_COLUMNS

        codes = pl.DataFrame(data["codes"], schema=CODE_COLUMNS)
        return cls(data["interview_ids"], [tuple(r) for r in data["raters"]], codes, data["subthemes"])

    def with_batch(self, interview_ids: list[str], raters: dict[str, str]) -> Context:
        """This context plus interviews and raters arriving in the same batch (the batch's names win)."""
        known = dict(self.raters) | raters
        ids = sorted(set(self.interview_ids) | set(interview_ids))
        return Context(ids, sorted(known.items()), self.codes, self.subthemes)

    @property
    def themes(self) -> set[str]:
        """The theme codes of the codebook."""
        return set(self.codes["theme"].unique().to_list())


def loose(value: str) -> str:
    """A name compared loosely: case-folded, spaces collapsed."""
    return " ".join(str(value).split()).casefold()


MapSource = str | Path | tuple[str, bytes]


def _read_csv(source: MapSource, kind: str) -> tuple[str, pl.DataFrame]:
    """A mapping file's name and rows (all text), its header checked."""
    name, data = (source[0], source[1]) if isinstance(source, tuple) else (Path(source).name, None)
    try:
        data = data if data is not None else Path(source).read_bytes()
        frame = pl.read_csv(io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")), infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise QdpxError(f"{name}: the --{kind} file cannot be read ({str(exc).splitlines()[0]})") from None
    frame.columns = [loose(c).replace(" ", "_") for c in frame.columns]
    wanted = MAP_COLUMNS[kind]
    missing = [c for c in wanted if c in REQUIRED and c not in frame.columns]
    if missing:
        rule = f"required column(s) missing: {', '.join(missing)} (expected {','.join(wanted)})"
        raise QdpxError(f"{name}, header: {rule}", [Where(name, 1, ", ".join(missing), "", rule)])
    for col in wanted:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(col))
    frame = frame.select(pl.col(c).str.strip_chars() for c in wanted)
    return name, frame.with_columns(pl.when(pl.all() == "").then(None).otherwise(pl.all()).name.keep())


def _problem(name: str, row: int, column: str, value, rule: str) -> Where:
    """One problem in a mapping file."""
    return Where(name, row, column, value if value is not None else "", rule)


def _text(p: Where) -> str:
    """A mapping file's problem as a line of text."""
    return f"{p.file}, row {p.row}, column {p.column}: {p.value!r} — {p.rule}"


def read_map(source: MapSource, kind: str, context: Context) -> dict[str, object]:
    """A mapping file as key (loose name or GUID) -> target, every row checked against the database."""
    name, frame = _read_csv(source, kind)
    known_interviews, known_raters = set(context.interview_ids), {r for r, _ in context.raters}
    problems, out = [], {}
    for i, row in enumerate(frame.iter_rows(named=True), start=2):
        key_col = MAP_COLUMNS[kind][0]
        if not row[key_col]:
            problems.append(_problem(name, i, key_col, row[key_col], "required value is blank"))
            continue
        if kind == "sources":
            target, col, ok = row["interview_id"], "interview_id", row["interview_id"] in known_interviews
            rule = "refers to no interview in the database"
        elif kind == "coders":
            target, col, ok = row["rater_id"], "rater_id", row["rater_id"] in known_raters
            rule = "refers to no rater in the database"
        else:
            theme, sub = (row["theme"] or "").lower(), (row["subtheme"] or "").lower() or None
            stance = (row["stance"] or "supports").lower()
            target, col, ok, rule = (theme, sub, stance), "theme", theme in context.themes, "is not a theme"
            if ok and sub is not None and context.subthemes.get(sub) != theme:
                col, ok, rule = "subtheme", False, f"is not a sub-theme of {theme}"
            if ok and stance not in STANCES:
                col, ok, rule = "stance", False, "is not one of: supports, counter (blank = supports)"
        if not ok:
            problems.append(_problem(name, i, col, row[col], rule))
            continue
        fold = normalize_name if kind == "codes" else loose
        key = norm_guid(row[key_col]) if _looks_like_guid(row[key_col]) else fold(row[key_col])
        if key in out and out[key] != target:
            problems.append(_problem(name, i, key_col, row[key_col], "is mapped twice, differently"))
        out[key] = target
    if problems:
        raise QdpxError([_text(p) for p in problems], problems)
    return out


def _looks_like_guid(value: str) -> bool:
    """True for a GUID with or without braces, in either case."""
    g = norm_guid(value) or ""
    parts = g.split("-")
    return (
        len(g) == 36
        and [len(p) for p in parts] == [8, 4, 4, 4, 12]
        and all(c in "0123456789abcdef-" for c in g)
    )


class InterviewIds:
    """Interview ids looked up exactly, else case-insensitively."""

    def __init__(self, ids: list[str]):
        self.exact = set(ids)
        self.folded: dict[str, str] = {}
        for i in ids:
            self.folded.setdefault(i.casefold(), i)

    def get(self, value: str) -> str | None:
        """The id `value` names, if any."""
        return value if value in self.exact else self.folded.get(value.casefold())


def match_source(source: Source, interview_ids: InterviewIds, mapping: dict) -> tuple[str | None, str]:
    """The interview a source belongs to, or None and why not."""
    stem = source.name.rsplit(".", 1)[0] if "." in source.name else source.name
    for key in (source.guid, loose(source.name), loose(stem)):
        if key in mapping:
            return mapping[key], ""
    name = source.name.strip()
    for end in range(len(name), 0, -1):  # the longest prefix that ends a word
        if end == len(name) or not name[end].isalnum():
            found = interview_ids.get(name[:end])
            if found:
                return found, ""
    return (
        None,
        "its name does not begin with an interview id and no sources map (--sources, sources.csv) lists it",
    )


def match_user(user: User, raters: list[tuple[str, str]], mapping: dict) -> tuple[str | None, str]:
    """The rater a project user is, or None and why not."""
    for key in (user.guid, loose(user.name)):
        if key and key in mapping:
            return mapping[key], ""
    by_id = {loose(r): r for r, _ in raters}
    if loose(user.name) in by_id:
        return by_id[loose(user.name)], ""
    named = [r for r, full in raters if loose(full) == loose(user.name)]
    if len(named) == 1:
        return named[0], ""
    if len(named) > 1:
        return None, f"matches several raters by name ({', '.join(named)}); list it in a coders map"
    if user.id and loose(user.id) in by_id:
        return by_id[loose(user.id)], ""
    return (
        None,
        "is neither a rater's id nor a rater's full name and no coders map (--coders, coders.csv) lists it",
    )


class CodeMatcher:
    """Maps a project's codes to (theme, subtheme, stance): the --codes file, then Vocation's codebook."""

    def __init__(self, context: Context, mapping: dict | None):
        self.mapping = mapping or {}
        self.by_guid, self.by_name = code_lookup(context.codes)

    def match(self, code: Code | None) -> tuple | None:
        """The target of a code, or None when it maps to nothing."""
        if code is None:
            return None
        for key in (code.guid, normalize_name(code.path), normalize_name(code.name)):
            if key in self.mapping:
                return self.mapping[key]
        return self.by_guid.get(code.guid) or self.by_name.get(normalize_name(code.name))
