"""Where a coded selection starts and ends, under the counting each tool really uses.

The standard counts Unicode code points from 0, end exclusive. NVivo counts UTF-16 code units
(a character outside the Basic Multilingual Plane, such as an emoji, counts two) over text whose
line ends are CRLF; ATLAS.ti counts a CRLF line end as one character while its file keeps CRLF.
Each source's text is normalized (line ends as `\\n`; the byte-order mark is already gone) and
every selection is mapped into it under the scheme the project's `origin` suggests. The scheme is
then checked: a selection should start and end on a word or line boundary. If another scheme fits
more selections, it is used instead, and the reason is reported.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

SCHEMES = {
    "codepoints": "Unicode code points (the standard; QualCoder, MAXQDA)",
    "utf16": "UTF-16 code units (NVivo)",
    "crlf_as_one": "code points with a CRLF line end counted as one (ATLAS.ti)",
}
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def normalize_text(raw: str) -> str:
    """Text with every line end (CRLF, CR) as `\\n`."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def scheme_for_origin(origin: str) -> str:
    """The counting the exporting tool is known to use, from the project's `origin`."""
    o = origin.casefold()
    if "nvivo" in o:
        return "utf16"
    if "atlas" in o:
        return "crlf_as_one"
    return "codepoints"


class TextIndex:
    """One source's text, mapping positions under each scheme to offsets in the normalized text."""

    def __init__(self, raw: str):
        self.text = normalize_text(raw)
        self.raw_length = len(raw)
        # where each CRLF starts in the raw text, and each astral character's UTF-16 offset
        self._crlf = [m.start() for m in re.finditer("\r\n", raw)]
        astral = [m.start() for m in _ASTRAL.finditer(raw)]
        self._astral_utf16 = [i + k for k, i in enumerate(astral)]
        self.utf16_length = len(raw) + len(astral)

    def _from_raw(self, i: int) -> int | None:
        """Normalized offset of raw code point offset `i` (None between a CR and its LF)."""
        if not 0 <= i <= self.raw_length:
            return None
        k = bisect.bisect_left(self._crlf, i)  # CRLFs starting before i
        if k and self._crlf[k - 1] == i - 1:
            return None
        return i - k

    def to_text(self, position: int, scheme: str) -> int | None:
        """Offset in the normalized text of `position` counted by `scheme`, or None if impossible."""
        if scheme == "crlf_as_one":
            return position if 0 <= position <= len(self.text) else None
        if scheme == "codepoints":
            return self._from_raw(position)
        if not 0 <= position <= self.utf16_length:
            return None
        k = bisect.bisect_left(self._astral_utf16, position)  # astral characters starting before it
        if k and self._astral_utf16[k - 1] == position - 1:
            return None  # between the two halves of a surrogate pair
        return self._from_raw(position - k)


def on_boundary(text: str, offset: int) -> bool:
    """True when `offset` does not split a word (text edges, spaces, punctuation, line ends)."""
    if offset <= 0 or offset >= len(text):
        return True
    return not (text[offset - 1].isalnum() and text[offset].isalnum())


def fits(index: TextIndex, start: int, end: int, scheme: str) -> tuple[int, int] | None:
    """The normalized (start, end) if the selection maps inside the text in order, else None."""
    s, e = index.to_text(start, scheme), index.to_text(end, scheme)
    if s is None or e is None or s >= e:
        return None
    return s, e


@dataclass
class SchemeChoice:
    """The counting used for a project and why."""

    scheme: str
    reason: str
    off_boundary: int  # selections that split a word even under the chosen scheme

    @property
    def label(self) -> str:
        """The scheme in words."""
        return SCHEMES[self.scheme]


def _score(selections: list[tuple[TextIndex, int, int]], scheme: str) -> tuple[int, int]:
    """(selections that map inside their text, of those how many sit on word boundaries)."""
    valid = clean = 0
    for index, start, end in selections:
        mapped = fits(index, start, end, scheme)
        if mapped:
            valid += 1
            clean += on_boundary(index.text, mapped[0]) and on_boundary(index.text, mapped[1])
    return valid, clean


def choose_scheme(selections: list[tuple[TextIndex, int, int]], origin: str) -> SchemeChoice:
    """The scheme to read these selections with: the origin's unless another fits them better."""
    preferred = scheme_for_origin(origin)
    said = f"origin {origin!r}" if origin else "no origin given"
    n = len(selections)
    scores = {scheme: _score(selections, scheme) for scheme in SCHEMES}
    order = [preferred] + [s for s in SCHEMES if s != preferred]
    best = max(order, key=lambda s: (scores[s], -order.index(s)))  # ties keep the preferred one
    valid, clean = scores[best]
    if best == preferred:
        reason = f"{said}; {clean} of {n} selections start and end on word or line boundaries"
    else:
        p_valid, p_clean = scores[preferred]
        outside = f", {n - p_valid} fall outside their text" if p_valid < n else ""
        reason = (
            f"{said} suggests {SCHEMES[preferred]}, but only {p_clean} of {n} selections start and "
            f"end on word or line boundaries counted that way{outside}; {clean} of {n} do counted this way"
        )
    return SchemeChoice(best, reason, valid - clean)
