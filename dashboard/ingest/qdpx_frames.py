"""Import step for coded projects: a `.qdpx` in a batch, with its mapping files, becomes the
contract's excerpts, transcripts and excerpt_positions, which are then checked and written with
the rest of the batch in its one transaction.

Mapping files travel in the batch by name (`sources.csv`, `coders.csv`, `codes.csv`, as the Data
page takes them) or come from the command line's --sources, --coders and --codes. One project per
batch: its mapping files belong to it. The project is matched against the database's interviews,
raters and codebook plus the interviews and raters of the same batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard.core.contract import TABLES_BY_NAME, normalize_header
from dashboard.ingest.reader import Incoming, Problem
from dashboard.refiqda.maps import Context, MapSource
from dashboard.refiqda.qdpx import Limits, QdpxError, QdpxSummary, read_qdpx

PROJECT_SUFFIX = ".qdpx"
MAP_KINDS = ("sources", "coders", "codes")
PROJECT_TABLES = ("excerpts", "transcripts", "excerpt_positions")


@dataclass
class ProjectFrames:
    """A project read into contract frames (every column text), with what the reading found."""

    file: str
    summary: QdpxSummary
    frames: dict[str, pl.DataFrame]  # excerpts, transcripts, excerpt_positions
    checksum: str


def is_project(name: str) -> bool:
    """True for a REFI-QDA project file (`.qdpx`)."""
    return Path(name).suffix.lower() == PROJECT_SUFFIX


def map_kind(name: str) -> str | None:
    """`sources`, `coders` or `codes` for a mapping file's name (`Sources.csv`), else None."""
    path = Path(name)
    stem = normalize_header(path.stem)
    return stem if path.suffix.lower() == ".csv" and stem in MAP_KINDS else None


def is_project_file(name: str) -> bool:
    """True for a project or one of its mapping files."""
    return is_project(name) or map_kind(name) is not None


def _map_bytes(source: MapSource) -> tuple[str, bytes]:
    """A mapping file's name and bytes."""
    if isinstance(source, tuple):
        return source
    try:
        return Path(source).name, Path(source).read_bytes()
    except OSError as exc:
        raise QdpxError(f"{Path(source).name}: the mapping file cannot be read ({exc.strerror})") from None


def batch_context(base: Context, incoming: list[Incoming]) -> Context:
    """The database's context plus the interviews and raters arriving in the same batch."""
    ids: list[str] = []
    raters: dict[str, str] = {}
    for inc in incoming:
        if inc.table.name == "interviews":
            ids += inc.frame["interview_id"].str.strip_chars().drop_nulls().to_list()
        elif inc.table.name == "raters":
            frame = inc.frame.select(pl.col("rater_id", "full_name").str.strip_chars())
            raters |= {r: n or "" for r, n in frame.iter_rows() if r}
    return base.with_batch(ids, raters)


def read_project(
    data: bytes, name: str, context: Context, maps: dict[str, MapSource], limits: Limits | None = None
) -> ProjectFrames:
    """Read one project with its mapping files into contract frames; QdpxError if refused."""
    loaded = {kind: _map_bytes(source) for kind, source in maps.items()}
    result = read_qdpx(data, context, name=name, limits=limits, **loaded)
    digest = hashlib.sha256(data)
    for kind in sorted(loaded):
        digest.update(kind.encode() + loaded[kind][1])
    frames = dict(zip(PROJECT_TABLES, (result.excerpts, result.transcripts, result.positions), strict=True))
    return ProjectFrames(name, result.summary, frames, digest.hexdigest())


def to_incoming(project: ProjectFrames) -> list[Incoming]:
    """The project's frames as batch files: `NAME.qdpx (excerpts)`, rows numbered from 2."""
    out = []
    for name, frame in project.frames.items():
        table = TABLES_BY_NAME[name]
        text = frame.select(pl.col(c).cast(pl.String) for c in table.column_names)
        text = text.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
        out.append(Incoming(f"{project.file} ({name})", table, text.lazy(), project.checksum))
    return out


def refusal(err: QdpxError, file: str) -> list[Problem]:
    """A refused project's reasons as report problems."""
    if err.items:
        return [Problem(w.file, w.row, w.column, str(w.value), w.rule) for w in err.items]
    return [Problem(file, None, "", "", line.strip().removeprefix(f"{file}: ")) for line in err.problems]


def gather(
    files: list[tuple[Path, str]],
    incoming: list[Incoming],
    context: Callable[[], Context],
    maps: dict[str, MapSource] | None,
    problems: list[Problem],
    limits: Limits | None = None,
) -> list[ProjectFrames]:
    """Read the batch's project (path, shown name) with its mapping files; problems are recorded."""
    projects = [(p, n) for p, n in files if is_project(n)]
    given = dict(maps or {})
    for path, name in files:
        kind = map_kind(name)
        if kind is None:
            continue
        if kind in given:
            problems.append(Problem(name, None, "", "", f"a second {kind} map in the same batch"))
        given[kind] = (name, path.read_bytes())
    if len(projects) > 1:
        shown = ", ".join(n for _, n in projects)
        problems.append(
            Problem(shown, None, "", "", "one .qdpx project per import: load them one after another")
        )
        return []
    if not projects:
        for kind, source in given.items():
            rule = f"a {kind} map belongs with a .qdpx project, and the batch has none"
            problems.append(Problem(_map_name(source), None, "", "", rule))
        return []
    path, name = projects[0]
    try:
        project = read_project(path.read_bytes(), name, batch_context(context(), incoming), given, limits)
    except QdpxError as err:
        problems += refusal(err, name)
        return []
    if project.frames["excerpts"].is_empty():
        rule = (
            "no coded selection maps to a theme, so there is nothing to import: code with Vocation's "
            "codebook (.qdc) or map the project's codes with a codes map"
        )
        problems.append(Problem(name, None, "", "", rule))
    return [project]


def _map_name(source: MapSource) -> str:
    """The name a mapping file is reported by."""
    return source[0] if isinstance(source, tuple) else Path(source).name
