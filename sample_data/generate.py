"""Generate Vocation's fictional sample dataset, deterministically, at any scale.

Usage (from the repository root):
    python sample_data/generate.py --scale N --out DIR [--seed S]

Same arguments give byte-identical CSV files. Scale N multiplies applicants, interviews,
excerpts, staff, trainees and cohorts by about N; sites and raters grow with sqrt(N).
Every person, place and quotation is invented.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import phrases as ph  # noqa: E402 - beside this script

from dashboard.core.contract import TABLES_BY_NAME, THEMES  # noqa: E402

DEFAULT_SEED = 20070238
AS_OF = date(2026, 11, 20).toordinal()
EPOCH = date(1970, 1, 1).toordinal()
LENIENT = "R03"
# The validation study's planted bias (docs/leadership.md): rater R05 scores applicants who
# self-identify as Black or African American one point lower on `fit` than co-raters do.
BIASED_RATER, BIASED_GROUP, BIASED_THEME, BIAS_POINTS = "R05", "Black or African American", "fit", -1.0
EARLIER_APPLICATIONS = 120  # per unit of scale: applications 2020-2022, so hires have years of follow-up
# Rater noise per theme: "fit" is easy to agree on, "transcendence" is not.
NOISE = {
    "balance": 0.4,
    "adaptiveness": 0.42,
    "transcendence": 0.85,
    "learning": 0.4,
    "fit": 0.22,
    "beliefs": 0.42,
}
SUPPORT_P = (0.12, 0.3, 0.55, 0.8, 0.92)  # chance an excerpt supports, by score 0-4
OUTPUT_TABLES = tuple(
    n for n, t in TABLES_BY_NAME.items() if not t.codebook and not t.from_projects
)  # transcripts come from .qdpx projects


def d(y: int, m: int, day: int) -> int:
    """A date as an ordinal."""
    return date(y, m, day).toordinal()


def clip(x: float, lo: float, hi: float) -> float:
    """x limited to [lo, hi]."""
    return lo if x < lo else min(x, hi)


def ident(prefix: str, n: int, total: int, width: int = 2) -> str:
    """An id like P01, with enough digits for `total` ids."""
    return f"{prefix}{n:0{max(width, len(str(total)))}d}"


class Table:
    """Column lists for one output table."""

    def __init__(self, name: str):
        self.name = name
        self.cols = {c: [] for c in TABLES_BY_NAME[name].column_names}

    def add(self, *values) -> None:
        """Append one row, values in contract order."""
        for col, v in zip(self.cols.values(), values, strict=True):
            col.append(v)

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))


class ExcerptWriter:
    """Unique excerpt texts: a bijective walk over the slot combinations of each theme/stance."""

    def __init__(self):
        self.counters = {key: 0 for key in ph.CORES}
        self.sizes = (len(ph.OPENINGS), len(ph.HEDGES), len(ph.DETAILS), len(ph.CLOSINGS))

    def text(self, theme: str, stance: str) -> tuple[str | None, str]:
        """The next (subtheme, text) for a theme and stance; never repeats."""
        cores = ph.CORES[(theme, stance)]
        space = len(cores) * math.prod(self.sizes)
        k = self.counters[(theme, stance)]
        if k >= space:
            raise RuntimeError(f"excerpt space exhausted for {theme}/{stance}")
        self.counters[(theme, stance)] = k + 1
        idx = (k * 1_000_003 + 7919) % space
        idx, core = divmod(idx, len(cores))
        digits = []
        for size in self.sizes:
            idx, r = divmod(idx, size)
            digits.append(r)
        sub, clause = cores[core]
        opening, hedge = ph.OPENINGS[digits[0]], ph.HEDGES[digits[1]]
        head = f"{opening}{clause}{hedge}."
        head = head[0].upper() + head[1:]
        closing = ph.CLOSINGS[digits[3]]
        body = f"{head} {ph.DETAILS[digits[2]]}"
        return sub, f"{body} {closing}" if closing else body


class Generator:
    """Builds every contract table in memory."""

    def __init__(self, scale: int, seed: int):
        self.n = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.t = {name: Table(name) for name in OUTPUT_TABLES}
        self.writer = ExcerptWriter()
        self.latent: dict[str, dict[str, float]] = {}
        self.race: dict[str, str | None] = {}  # for the planted rater bias (validation study)
        self.rated_person: str | None = None
        self.applicant_base = 2.2
        self.n_people = 0
        self.n_interviews = 0
        self.n_excerpts = 0
        self.specials = list(ph.SPECIAL_EXCERPTS)

    # ---- reference tables -------------------------------------------------------------
    def sites_and_programs(self) -> None:
        """Sites (4 per sqrt-scale step) and about 1.5 programs per site."""
        n_sites = 4 * math.ceil(math.sqrt(self.n))
        n_programs = 6 if self.n == 1 else round(n_sites * 1.5)
        for i in range(n_sites):
            town = ph.TOWNS[i % len(ph.TOWNS)]
            suffix = "" if i < len(ph.TOWNS) else f" {i // len(ph.TOWNS) + 1}"
            name = f"{town}{suffix} Community Mental Health Center"
            self.t["sites"].add(f"S{i + 1}", name, ph.REGIONS[i % len(ph.REGIONS)])
        self.programs = [ident("P", i + 1, n_programs) for i in range(n_programs)]
        for i, pid in enumerate(self.programs):
            name, population = ph.PROGRAMS[i % len(ph.PROGRAMS)]
            site = f"S{((0, 0, 1, 1, 2, 3)[i] if self.n == 1 else i) % n_sites + 1}"
            self.t["programs"].add(pid, site, name, population)

    def raters(self) -> None:
        """Raters, one of them lenient (bias +1)."""
        n = 8 * math.ceil(math.sqrt(self.n))
        self.rater_ids = [ident("R", i + 1, n) for i in range(n)]
        self.bias = {}
        for rid in self.rater_ids:
            full = self.name()
            ascii_name = unicodedata.normalize("NFKD", full).encode("ascii", "ignore").decode()
            first, last = ascii_name.lower().replace("'", "").split(" ", 1)
            # every rater gets an address (derived, so no random draw is added and the rest of the
            # data stays as it was): an interviewer signs in with it
            self.t["raters"].add(
                rid, full, f"{first}.{last.replace(' ', '-')}.{rid.lower()}@raters.example.org"
            )
            self.bias[rid] = 1.1 if rid == LENIENT else self.rng.uniform(-0.2, 0.2)
        self.rater_weights = [1.3 if r == LENIENT else 1.0 for r in self.rater_ids]

    def modules(self) -> None:
        """The curriculum: fixed modules and the themes they target."""
        for i, (name, hours, desc, themes) in enumerate(ph.MODULES):
            mid = f"M{i + 1:02d}"
            self.t["modules"].add(mid, name, hours, desc)
            for theme, emphasis in themes.items():
                self.t["module_themes"].add(mid, theme, emphasis)
        self.module_ids = [f"M{i + 1:02d}" for i in range(len(ph.MODULES))]

    # ---- people --------------------------------------------------------------------------
    def name(self) -> str:
        """A fictional full name."""
        return f"{self.rng.choice(ph.FIRST_NAMES)} {self.rng.choice(ph.LAST_NAMES)}"

    def person(self, base: float, offsets: dict[str, float] | None = None) -> str:
        """A new person with latent theme levels around `base`; returns the person id."""
        self.n_people += 1
        pid = f"U{self.n_people:05d}" if self.n_people < 100000 else f"U{self.n_people}"
        full = self.name()
        ascii_name = unicodedata.normalize("NFKD", full).encode("ascii", "ignore").decode()
        first, last = ascii_name.lower().replace("'", "").split(" ", 1)
        self.t["people"].add(pid, full, f"{first}.{last}.{self.n_people}@example.org")
        level = self.rng.gauss(base, 0.5)
        off = offsets or {}
        self.latent[pid] = {
            th: clip(level + off.get(th, 0.0) + self.rng.gauss(0, 0.55), 0.0, 4.0) for th in THEMES
        }
        self.demographics(pid)
        return pid

    def demographics(self, pid: str) -> None:
        """Self-identified demographics for ~88% of people, independent of everything else."""
        rng = self.rng
        if rng.random() >= 0.88:
            return
        sex = rng.choices(("female", "male", "nonbinary", None), (0.6, 0.31, 0.04, 0.05))[0]
        race = rng.choices(
            (
                "White",
                "Black or African American",
                "Hispanic or Latino",
                "Asian",
                "Two or more",
                "American Indian or Alaska Native",
                None,
            ),
            (0.45, 0.17, 0.17, 0.08, 0.05, 0.02, 0.06),
        )[0]
        self.t["demographics"].add(pid, sex, race)
        self.race[pid] = race

    # ---- interviews, ratings, consensus, excerpts -----------------------------------------
    def interview(self, pid, program, app_id, on, purpose, levels, n_excerpts) -> dict:
        """One interview with ratings, consensus and excerpts; returns theme -> score."""
        self.n_interviews += 1
        iid = f"I{self.n_interviews:06d}"
        self.t["interviews"].add(iid, pid, program, app_id, on, purpose)
        self.rated_person = pid
        k = 3 if self.rng.random() < 0.1 else 2
        raters = self.pick_raters(k)
        scores = self.rate(iid, raters, levels, on)
        self.excerpts(iid, raters, scores, n_excerpts)
        return scores

    def pick_raters(self, k: int) -> list[str]:
        """k distinct raters, the lenient one a little more often."""
        chosen: list[str] = []
        while len(chosen) < k:
            r = self.rng.choices(self.rater_ids, self.rater_weights)[0]
            if r not in chosen:
                chosen.append(r)
        return chosen

    def rate(self, iid, raters, levels, on) -> dict:
        """Rating rows per rater and probed theme, plus consensus for most themes."""
        rng, ratings, consensus = self.rng, self.t["ratings"], self.t["consensus"]
        meeting = rng.random() < 0.92 and on < AS_OF - 3
        agreed = min(on + rng.randint(1, 6), AS_OF)
        out = {}
        for theme in THEMES:
            if rng.random() < 0.03:
                continue  # theme not probed in this interview: no rows at all
            agreed_score = int(clip(round(levels[theme] + rng.gauss(0, 0.25)), 0, 4))
            given = []
            for r in raters:
                noisy = agreed_score + self.bias[r] + self.planted_bias(r, theme) + rng.gauss(0, NOISE[theme])
                s = int(clip(round(noisy), 0, 4))
                ratings.add(iid, r, theme, s)
                given.append(s)
            spread = max(given) - min(given)
            if meeting and rng.random() < (0.45 if spread >= 2 else 0.95):
                consensus.add(iid, theme, agreed_score, None if rng.random() < 0.03 else agreed)
                out[theme] = agreed_score
            else:
                out[theme] = round(sum(given) / len(given))
        return out

    def excerpts(self, iid, raters, scores, n) -> None:
        """n coded excerpts; stance follows the theme's score."""
        rng, table = self.rng, self.t["excerpts"]
        themes = list(scores)
        if not themes:
            return
        for _ in range(n):
            theme = rng.choice(themes)
            stance = "supports" if rng.random() < SUPPORT_P[scores[theme]] else "counter"
            sub, text = self.writer.text(theme, stance)
            self.n_excerpts += 1
            table.add(f"E{self.n_excerpts:07d}", iid, rng.choice(raters), theme, sub, stance, text)
        if self.specials and rng.random() < 0.2:
            theme, stance, sub, text = self.specials.pop()
            if theme in scores:
                self.n_excerpts += 1
                table.add(f"E{self.n_excerpts:07d}", iid, raters[0], theme, sub, stance, text)
            else:
                self.specials.append((theme, stance, sub, text))

    # ---- applications ---------------------------------------------------------------------
    def applications(self) -> None:
        """Closed applications 2023-2025, open ones in 2026, and the P01 Clinician II opening."""
        self.hires = []
        self.n_apps_total = 340 * self.n
        self.n_apps = 0
        start, span = d(2023, 1, 1), d(2025, 12, 31) - d(2023, 1, 1)
        for _ in range(310 * self.n):
            program = self.rng.choice(self.programs)
            position = self.rng.choices(ph.POSITIONS, ph.POSITION_WEIGHTS)[0]
            self.closed_application(program, position, start + self.rng.randint(0, span))
        o_start, o_span = d(2026, 6, 1), d(2026, 11, 20) - d(2026, 6, 1)
        for _ in range(16 * self.n):
            program = self.rng.choice(self.programs)
            position = self.rng.choices(ph.POSITIONS, ph.POSITION_WEIGHTS)[0]
            if program == self.programs[0] and position == "Clinician II":
                position = "Clinician I"
            stage = self.rng.choices(
                ("applied", "screened", "interviewed", "offered"), (0.35, 0.3, 0.3, 0.05)
            )[0]
            self.open_application(program, position, o_start + self.rng.randint(0, o_span), stage)
        special = ["interviewed"] * 10 + ["offered", "screened", "screened", "applied"]
        for stage in special:
            on = d(2026, 8, 1) + self.rng.randint(0, 75)
            self.open_application(self.programs[0], "Clinician II", on, stage)

    def new_application(self) -> str:
        """The next application id; a few applicants apply twice."""
        self.n_apps += 1
        return f"A{self.n_apps:06d}"

    def applicant(self) -> str:
        """A new applicant, or (5%) someone who applied before."""
        if self.t["applications"].cols["person_id"] and self.rng.random() < 0.05:
            return self.rng.choice(self.t["applications"].cols["person_id"])
        return self.person(self.applicant_base, {"transcendence": -0.2})

    def hiring_interviews(self, pid, program, app_id, first_on, rounds) -> tuple[int, dict]:
        """One or two hiring interviews; returns last date and last scores."""
        on, scores = first_on, {}
        for r in range(rounds):
            if r:
                on += self.rng.randint(5, 14)
            scores = self.interview(
                pid, program, app_id, on, "hiring", self.latent[pid], self.rng.randint(7, 10)
            )
        return on, scores

    def closed_application(self, program, position, applied) -> None:
        """A finished application: stage by a merit-weighted funnel, status to match."""
        rng = self.rng
        pid, app_id = self.applicant(), self.new_application()
        merit = sum(self.latent[pid].values()) / 6 - 2.0
        stage, on = "applied", applied + rng.randint(3, 20)
        scores = None
        if rng.random() < 0.75:
            stage, on = "screened", applied + rng.randint(5, 15)
            if rng.random() < clip(0.733 + 0.1 * merit, 0, 1):
                stage = "interviewed"
                rounds = 2 if rng.random() < 0.25 else 1
                on, scores = self.hiring_interviews(pid, program, app_id, on + rng.randint(7, 21), rounds)
                if rng.random() < clip(0.455 + 0.3 * merit, 0.05, 0.95):
                    stage, on = "offered", on + rng.randint(3, 10)
                    if rng.random() < 0.72:
                        stage = "hired"
        status_on = on + rng.randint(2, 20)
        if stage == "hired":
            status = "hired"
            self.hires.append((pid, program, position, status_on, scores))
        elif stage == "offered":
            status = "declined_offer" if rng.random() < 0.8 else "withdrawn"
        else:
            status = "rejected" if rng.random() < 0.82 else "withdrawn"
        self.t["applications"].add(app_id, pid, program, position, applied, stage, status, status_on)

    def open_application(self, program, position, applied, stage) -> None:
        """An application still open on AS_OF."""
        rng = self.rng
        pid, app_id = self.applicant(), self.new_application()
        on = applied
        if stage != "applied":
            on = max(applied, min(applied + rng.randint(4, 12), AS_OF - 20))
        if stage in ("interviewed", "offered"):
            on = max(applied, min(on + rng.randint(5, 14), AS_OF - 8))
            on, _ = self.hiring_interviews(pid, program, app_id, on, 1)
        if stage == "offered":
            on = min(on + rng.randint(2, 6), AS_OF)
        status_on = None if stage == "applied" else on
        self.t["applications"].add(app_id, pid, program, position, applied, stage, "open", status_on)

    # ---- staff ----------------------------------------------------------------------------
    def staff(self) -> None:
        """Hires from applications plus earlier staff hired 2015-2022."""
        self.staff_rows = []  # (pid, program, hired_on, left_on)
        for pid, program, position, status_on, scores in self.hires:
            strong = sum(1 for s in scores.values() if s >= 3) >= 5
            hired = status_on + self.rng.randint(14, 45)
            left = None
            if self.rng.random() < (0.1 if strong else 0.33):
                left = hired + self.rng.randint(60, 360)
            elif self.rng.random() < 0.25:
                left = hired + self.rng.randint(400, 1200)
            self.add_staff(pid, program, position, hired, left)
        for _ in range(40 * self.n):
            pid = self.person(2.4, {"transcendence": -0.1})
            hired = d(2015, 1, 1) + self.rng.randint(0, d(2022, 12, 31) - d(2015, 1, 1))
            left, u = None, self.rng.random()
            if u < 0.12:
                left = self.rng.randint(hired + 200, max(hired + 201, d(2022, 12, 31)))
            elif u < 0.32:
                left = self.rng.randint(d(2023, 1, 1), AS_OF)
            role = self.rng.choices(ph.POSITIONS + ("Senior clinician",), (3, 3, 2, 1, 1))[0]
            self.add_staff(pid, self.rng.choice(self.programs), role, hired, left)

    def add_staff(self, pid, program, role, hired, left) -> None:
        """One employment record (exit reason when the person left before AS_OF)."""
        if left is not None and left > AS_OF:
            left = None
        reason = None
        if left is not None:
            years = (left - hired) / 365
            reason = self.rng.choices(
                ("burnout", "relocation", "other job", "retirement"),
                (0.35, 0.25, 0.35, 0.05 if years < 6 else 0.5),
            )[0]
        self.t["staff"].add(pid, program, role, hired, left, reason)
        self.staff_rows.append((pid, program, hired, left))

    def annual_reviews(self, rows=None) -> None:
        """A yearly review on each hire anniversary from 2023 while employed."""
        for pid, program, hired, left in self.staff_rows if rows is None else rows:
            hd = date.fromordinal(hired)
            for year in range(2023, 2027):
                day = min(hd.day, 28)
                on = d(year, hd.month, day)
                if on < hired + 300 or on > AS_OF or (left is not None and on >= left):
                    continue
                levels = {th: clip(v + self.rng.gauss(0, 0.2), 0, 4) for th, v in self.latent[pid].items()}
                self.interview(pid, program, None, on, "annual", levels, self.rng.randint(2, 5))

    def nominations(self) -> None:
        """Peer nominations in a March 2025 survey; exemplars are named by 2+ peers."""
        survey = d(2025, 3, 3)
        active = [r[0] for r in self.staff_rows if r[2] <= survey and (r[3] is None or r[3] > survey)]

        def pull(p):
            return self.latent[p]["balance"] + self.latent[p]["beliefs"] + self.rng.gauss(0, 0.8)

        ranked = sorted(active, key=pull, reverse=True)
        n_ex = round(0.17 * len(self.staff_rows))
        pairs: dict[tuple[str, str], int] = {}
        for i, nominee in enumerate(ranked):
            k = self.rng.randint(2, 4) if i < n_ex else (1 if self.rng.random() < 0.25 else 0)
            others = [p for p in self.rng.sample(active, min(len(active), k + 3)) if p != nominee]
            for nominator in others[:k]:
                pairs.setdefault((nominator, nominee), survey + self.rng.randint(0, 25))
        for (a, b), on in pairs.items():
            self.t["peer_nominations"].add(a, b, on)

    def outcomes(self, rows=None) -> None:
        """Yearly burnout, compassion satisfaction and client outcome for staff in post."""
        rng, table = self.rng, self.t["outcomes"]
        # a person with two employment records is measured once a year (across calls too)
        measured = self.__dict__.setdefault("measured_outcomes", set())
        for pid, _, hired, left in self.staff_rows if rows is None else rows:
            lv = self.latent[pid]
            for year in range(2023, 2027):
                on = d(year, 6, 30)
                if on < hired + 90 or on > AS_OF or (left is not None and on >= left):
                    continue
                if (pid, on) in measured:
                    continue
                measured.add((pid, on))
                burnout = 50 - 9 * (lv["balance"] - 2) - 5 * (lv["beliefs"] - 2) + rng.gauss(0, 11)
                cs = 34 + 3 * (lv["fit"] - 2) + 2 * (lv["transcendence"] - 2) + rng.gauss(0, 5)
                client = 0.45 + 0.05 * (lv["fit"] - 2) + 0.04 * (lv["adaptiveness"] - 2)
                client += rng.gauss(0, 0.12)
                table.add(pid, on, "burnout", round(clip(burnout, 0, 100), 1))
                table.add(pid, on, "compassion_satisfaction", round(clip(cs, 10, 50), 1))
                table.add(pid, on, "client_outcome", round(clip(client, 0, 1), 3))

    # ---- training ---------------------------------------------------------------------------
    COHORTS = (
        ("Internship 2024", "internship", (2024, 7, 1), (2025, 6, 30)),
        ("Internship 2025", "internship", (2025, 7, 1), (2026, 6, 30)),
        ("Postdoctoral fellowship 2026-27", "fellowship", (2026, 3, 2), (2027, 2, 26)),
    )

    def cohorts(self) -> None:
        """Three cohorts per scale step, each with ~15 trainees assessed three times."""
        n_cohorts = 3 * self.n
        for i in range(self.n):
            for j, (name, kind, start, end) in enumerate(self.COHORTS):
                cid = ident("C", 3 * i + j + 1, n_cohorts)
                program = self.programs[(1 + 4 * j + 3 * i) % len(self.programs)]
                label = name if self.n == 1 else f"{name} ({program})"
                s, e = d(*start), d(*end)
                self.t["cohorts"].add(cid, program, label, kind, s, e)
                size = 15 if self.n == 1 else self.rng.randint(13, 17)
                for t in range(size):
                    self.trainee(cid, program, s, e, j, t)

    def trainee(self, cid, program, start, end, kind_index, t) -> None:
        """A trainee: enrollment, assessments with growth, module completions."""
        rng = self.rng
        pid = self.person(1.5, {"transcendence": -0.6})
        base = self.latent[pid]
        growth = {th: rng.gauss(0.25 if th == "transcendence" else 0.95, 0.2) for th in THEMES}
        current = end > AS_OF
        withdrawn = not current and t == 0
        status = "active" if current else "withdrawn" if withdrawn else "completed"
        mid = start + (end - start) // 2
        left = (mid + rng.randint(10, 60)) if withdrawn and kind_index == 0 else None
        if withdrawn and left is None:
            left = start + rng.randint(40, 120)
        self.t["enrollments"].add(pid, cid, start - rng.randint(0, 10), status, left)
        stop = min(left or end, AS_OF)
        for point, purpose in ((0.0, "intake"), (0.5, "midpoint"), (1.0, "exit")):
            on = {
                0.0: start + rng.randint(7, 20),
                0.5: mid + rng.randint(-10, 10),
                1.0: end - rng.randint(5, 20),
            }[point]
            if on > stop or (purpose == "midpoint" and kind_index == 0 and t == 1):
                continue  # not yet assessed, left, or (one trainee) midpoint missed
            levels = {th: clip(base[th] + growth[th] * point + rng.gauss(0, 0.15), 0, 4) for th in THEMES}
            if kind_index == 1 and t == 1 and purpose != "intake":
                levels["balance"] = clip(base["balance"] - 1.3 + 0.3 * point, 0, 4)
            self.interview(pid, program, None, on, purpose, levels, rng.randint(5, 8))
        for mid_id in self.module_ids:
            if rng.random() < (0.4 if withdrawn else 0.55 if current else 0.78):
                hi = stop - 3
                if hi > start + 14:
                    self.t["module_completions"].add(pid, mid_id, rng.randint(start + 14, hi))

    # ---- the validation study (issue 23): kept apart so other changes merge cleanly ----------
    def planted_bias(self, rater: str, theme: str) -> float:
        """The sample's one planted rater bias (no random draw): see BIASED_RATER."""
        hit = rater == BIASED_RATER and theme == BIASED_THEME
        return BIAS_POINTS if hit and self.race.get(self.rated_person or "") == BIASED_GROUP else 0.0

    def validation_study_hires(self) -> None:
        """Earlier applications (2020-2022) from a somewhat stronger pool, their hires' tenure (leaving
        early less likely the higher the hiring scores: a modest built-in validity), reviews and
        outcomes. Its own random stream, drawn after everything else, so the rest stays as it was."""
        saved, self.rng = self.rng, random.Random(self.seed + 23)
        first, self.applicant_base = len(self.hires), 2.5
        start, span = d(2020, 1, 1), d(2022, 6, 30) - d(2020, 1, 1)
        for _ in range(EARLIER_APPLICATIONS * self.n):
            program = self.rng.choice(self.programs)
            position = self.rng.choices(ph.POSITIONS, ph.POSITION_WEIGHTS)[0]
            self.closed_application(program, position, start + self.rng.randint(0, span))
        rows = []
        for pid, program, position, status_on, scores in self.hires[first:]:
            composite = sum(scores.values()) / max(len(scores), 1)
            hired, left = status_on + self.rng.randint(14, 45), None
            if self.rng.random() < clip(0.45 - 0.2 * (composite - 2), 0.08, 0.7):
                left = hired + self.rng.randint(60, 700)
            elif self.rng.random() < 0.2:
                left = hired + self.rng.randint(700, 2000)
            self.add_staff(pid, program, position, hired, left)
            rows.append(self.staff_rows[-1])
        self.annual_reviews(rows)
        self.outcomes(rows)
        self.rng = saved

    # ---- all --------------------------------------------------------------------------------
    def run(self) -> dict[str, pl.DataFrame]:
        """Build every table and return them as polars frames."""
        self.sites_and_programs()
        self.raters()
        self.modules()
        self.applications()
        self.staff()
        self.annual_reviews()
        self.nominations()
        self.outcomes()
        self.cohorts()
        self.validation_study_hires()
        if self.specials:
            raise RuntimeError("special excerpts were not all placed")
        return {name: to_frame(table) for name, table in self.t.items()}


POLARS_TYPES = {"text": pl.String, "int": pl.Int64, "float": pl.Float64, "date": pl.Int32}


def to_frame(table: Table) -> pl.DataFrame:
    """The table's columns as a typed frame (dates from ordinals)."""
    spec = TABLES_BY_NAME[table.name]
    series = []
    for col in spec.columns:
        s = pl.Series(col.name, table.cols[col.name], dtype=POLARS_TYPES[col.type])
        if col.type == "date":
            s = (s - EPOCH).cast(pl.Date)
        series.append(s)
    return pl.DataFrame(series)


def generate(scale: int = 1, seed: int = DEFAULT_SEED) -> dict[str, pl.DataFrame]:
    """Every contract table (except the codebook) at the given scale."""
    return Generator(scale, seed).run()


def write(frames: dict[str, pl.DataFrame], out: Path) -> None:
    """Write one `<table>.csv` per frame."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.write_csv(out / f"{name}.csv", line_terminator="\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    write(generate(args.scale, args.seed), args.out)


if __name__ == "__main__":
    main()
