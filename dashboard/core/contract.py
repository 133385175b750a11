"""The data contract: every file a program exports, its columns, types, keys and rules.

The importer validates against this description, the schema DDL in queries/schema.sql
declares the same tables (a test keeps the two in step), and docs/data-contract.md's contract table
is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THEMES = ("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
STAGES = ("applied", "screened", "interviewed", "offered", "hired")
STATUSES = ("open", "hired", "rejected", "withdrawn", "declined_offer")
PURPOSES = ("hiring", "intake", "midpoint", "exit", "annual")
STANCES = ("supports", "counter")
ENROLLMENT_STATUSES = ("active", "completed", "withdrawn")
DECISIONS = ("advance", "hold", "decline")
# A group of SMALL_SAMPLE or fewer is a small sample: its counts are hidden on leadership pages
# (1 to SMALL_SAMPLE), and a figure on fewer than SMALL_SAMPLE units is marked "small sample".
SMALL_SAMPLE = 10


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    type: str  # text, int, float, date
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    ref: tuple[str, str] | None = None  # (table, column) this column refers to
    doc: str = ""
    trim: bool = True  # False: kept verbatim (a transcript's text, which positions point into)


@dataclass(frozen=True)
class Table:
    """One contract table: the file name decides which table a file loads into."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""
    optional: bool = False
    restricted: bool = False
    codebook: bool = False
    from_projects: bool = False  # filled only from REFI-QDA projects (.qdpx), never from a file
    extra_rules: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(c for c in self.columns if c.name == name)


def _c(name, type_="text", required=True, **kw) -> Column:
    return Column(name, type_, required, **kw)


TABLES: tuple[Table, ...] = (
    Table(
        "themes",
        (
            _c("code"),
            _c("name"),
            _c("definition"),
            _c("sounds_like", required=False, doc="what evidence for it sounds like"),
            _c("counter_sounds_like", required=False, doc="what counter-evidence sounds like"),
        ),
        ("code",),
        "the codebook's themes (shipped with defaults)",
        codebook=True,
    ),
    Table(
        "subthemes",
        (
            _c("code"),
            _c("theme", allowed=THEMES, ref=("themes", "code")),
            _c("name"),
            _c("definition"),
            _c("sounds_like", required=False),
            _c("counter_sounds_like", required=False),
        ),
        ("code",),
        "the codebook's sub-categories (shipped with defaults)",
        codebook=True,
    ),
    Table(
        "sites",
        (_c("site_id"), _c("site_name"), _c("region", required=False)),
        ("site_id",),
        "service sites",
    ),
    Table(
        "programs",
        (
            _c("program_id"),
            _c("site_id", ref=("sites", "site_id")),
            _c("program_name"),
            _c("population", required=False),
        ),
        ("program_id",),
        "programs run at a site",
    ),
    Table(
        "people",
        (_c("person_id"), _c("full_name"), _c("email", required=False)),
        ("person_id",),
        "applicants, trainees and staff",
    ),
    Table(
        "raters",
        (
            _c("rater_id"),
            _c("full_name"),
            _c("email", required=False, doc="optional; links an interviewer's sign-in"),
        ),
        ("rater_id",),
        "interview raters",
        extra_rules=("email, when given, is an email address",),
    ),
    Table(
        "applications",
        (
            _c("application_id"),
            _c("person_id", ref=("people", "person_id")),
            _c("program_id", ref=("programs", "program_id")),
            _c("position"),
            _c("applied_on", "date"),
            _c("stage", allowed=STAGES, doc="the furthest stage reached"),
            _c("status", allowed=STATUSES),
            _c("status_on", "date", required=False),
        ),
        ("application_id",),
        "job applications",
    ),
    Table(
        "interviews",
        (
            _c("interview_id"),
            _c("person_id", ref=("people", "person_id")),
            _c("program_id", ref=("programs", "program_id")),
            _c(
                "application_id",
                required=False,
                ref=("applications", "application_id"),
                doc="blank unless purpose is hiring",
            ),
            _c("interview_date", "date"),
            _c("purpose", allowed=PURPOSES),
        ),
        ("interview_id",),
        "structured interviews: hiring, trainee assessments, annual reviews",
        extra_rules=("application_id is required when purpose is hiring and blank otherwise",),
    ),
    Table(
        "ratings",
        (
            _c("interview_id", ref=("interviews", "interview_id")),
            _c("rater_id", ref=("raters", "rater_id")),
            _c("theme", allowed=THEMES, ref=("themes", "code")),
            _c("score", "int", min=0, max=4),
        ),
        ("interview_id", "rater_id", "theme"),
        "independent ratings: one row per rater and theme",
    ),
    Table(
        "consensus",
        (
            _c("interview_id", ref=("interviews", "interview_id")),
            _c("theme", allowed=THEMES, ref=("themes", "code")),
            _c("score", "int", min=0, max=4),
            _c("agreed_on", "date", required=False),
        ),
        ("interview_id", "theme"),
        "consensus scores agreed by the raters",
    ),
    Table(
        "excerpts",
        (
            _c("excerpt_id"),
            _c("interview_id", ref=("interviews", "interview_id")),
            _c("rater_id", ref=("raters", "rater_id")),
            _c("theme", allowed=THEMES, ref=("themes", "code")),
            _c("subtheme", required=False, ref=("subthemes", "code")),
            _c("stance", allowed=STANCES),
            _c("text"),
        ),
        ("excerpt_id",),
        "coded interview excerpts",
        extra_rules=("subtheme, when given, belongs to the excerpt's theme",),
    ),
    Table(
        "transcripts",
        (
            _c("transcript_id", doc="the source's GUID in the project"),
            _c("interview_id", ref=("interviews", "interview_id")),
            _c("source_name"),
            _c("text", trim=False, doc="the whole text, line ends as \\n"),
        ),
        ("transcript_id",),
        "interview transcripts from coded projects (.qdpx), kept so an excerpt can be read in its passage",
        from_projects=True,
    ),
    Table(
        "excerpt_positions",
        (
            _c("excerpt_id", ref=("excerpts", "excerpt_id")),
            _c("transcript_id", ref=("transcripts", "transcript_id")),
            _c("start_pos", "int", min=0),
            _c("end_pos", "int", min=0),
        ),
        ("excerpt_id",),
        "where each excerpt from a coded project (.qdpx) sits in its transcript",
        from_projects=True,
        extra_rules=(
            "start_pos is before end_pos",
            "the transcript's text from start_pos to end_pos (code points, end exclusive) is the excerpt's text",
            "the transcript is of the excerpt's interview",
        ),
    ),
    Table(
        "cohorts",
        (
            _c("cohort_id"),
            _c("program_id", ref=("programs", "program_id")),
            _c("cohort_name"),
            _c("kind", required=False),
            _c("starts_on", "date"),
            _c("ends_on", "date", required=False),
        ),
        ("cohort_id",),
        "training cohorts",
    ),
    Table(
        "enrollments",
        (
            _c("person_id", ref=("people", "person_id")),
            _c("cohort_id", ref=("cohorts", "cohort_id")),
            _c("enrolled_on", "date"),
            _c("status", allowed=ENROLLMENT_STATUSES),
            _c("left_on", "date", required=False),
        ),
        ("person_id", "cohort_id"),
        "trainees in cohorts",
    ),
    Table(
        "modules",
        (
            _c("module_id"),
            _c("module_name"),
            _c("hours", "float", min=0),
            _c("description", required=False),
        ),
        ("module_id",),
        "curriculum modules",
    ),
    Table(
        "module_themes",
        (
            _c("module_id", ref=("modules", "module_id")),
            _c("theme", allowed=THEMES, ref=("themes", "code")),
            _c("emphasis", "int", min=1, max=3),
        ),
        ("module_id", "theme"),
        "which themes a module targets, with emphasis 1-3",
    ),
    Table(
        "module_completions",
        (
            _c("person_id", ref=("people", "person_id")),
            _c("module_id", ref=("modules", "module_id")),
            _c("completed_on", "date"),
        ),
        ("person_id", "module_id"),
        "modules completed by trainees",
    ),
    Table(
        "staff",
        (
            _c("person_id", ref=("people", "person_id")),
            _c("program_id", ref=("programs", "program_id")),
            _c("role_title"),
            _c("hired_on", "date"),
            _c("left_on", "date", required=False),
            _c("exit_reason", required=False),
        ),
        ("person_id", "program_id", "hired_on"),
        "employment records",
    ),
    Table(
        "peer_nominations",
        (
            _c("nominator_id", ref=("people", "person_id")),
            _c("nominee_id", ref=("people", "person_id")),
            _c("nominated_on", "date"),
        ),
        ("nominator_id", "nominee_id"),
        "peer nominations of passionately committed colleagues",
        extra_rules=("nobody nominates themselves",),
    ),
    Table(
        "outcomes",
        (
            _c("person_id", ref=("people", "person_id")),
            _c("measured_on", "date"),
            _c("measure", doc="burnout, compassion_satisfaction, client_outcome, ..."),
            _c("value", "float"),
        ),
        ("person_id", "measured_on", "measure"),
        "staff outcome measures",
    ),
    Table(
        "demographics",
        (
            _c("person_id", ref=("people", "person_id")),
            _c("sex", required=False),
            _c("race_ethnicity", required=False),
        ),
        ("person_id",),
        "optional self-identified demographics, read only by the fairness analysis",
        optional=True,
        restricted=True,
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}

# Load order: every table after the tables it refers to.
LOAD_ORDER = tuple(t.name for t in TABLES)


def table_for_file(stem: str) -> Table | None:
    """The contract table a file stem names (case- and space-insensitive), or None."""
    norm = stem.strip().lower().replace(" ", "_").replace("-", "_")
    return TABLES_BY_NAME.get(norm)


def normalize_header(name: str) -> str:
    """A header as the contract spells it: trimmed, lowercase, inner spaces as underscores."""
    return "_".join(str(name).replace("\ufeff", "").strip().lower().split())
