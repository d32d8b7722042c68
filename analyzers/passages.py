"""Long documents are embedded by passages: about ``target`` words each, cut at paragraph ends (or at
sentence ends inside a long paragraph), each with its character span and page, so a hit found by meaning
can say which passage and page answered."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    page: int | None


def _pieces(text: str, target: int) -> list[tuple[int, int]]:
    """Paragraphs, with any paragraph over ``2 × target`` words cut at sentence ends (or at words)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[pos:end].strip():
            out.extend(_cut(text, pos, end, target))
        pos = m.end() if m else len(text)
    return out


def _cut(text: str, start: int, end: int, target: int) -> list[tuple[int, int]]:
    words = list(_WORD.finditer(text, start, end))
    if len(words) <= 2 * target:
        return [(words[0].start(), words[-1].end())] if words else []
    cuts = [start] + [m.end() for m in _SENTENCE_END.finditer(text, start, end)] + [end]
    out, a = [], start
    for b in cuts[1:]:
        if len(_WORD.findall(text, a, b)) >= target:
            out.append((a, b))
            a = b
    if a < end and text[a:end].strip():
        out.append((a, end))
    final = []
    for a, b in out:  # a "sentence" longer than the passage (tables, lists): cut at words
        ws = list(_WORD.finditer(text, a, b))
        for i in range(0, len(ws), 2 * target):
            chunk = ws[i : i + 2 * target]
            final.append((chunk[0].start(), chunk[-1].end()))
    return final


def split_passages(text: str, page_starts: list[int] | None = None, target: int = 160) -> list[Passage]:
    """Consecutive pieces merged until each passage holds about ``target`` words."""
    passages: list[Passage] = []
    cur_start: int | None = None
    cur_end = 0
    count = 0
    for a, b in _pieces(text, target):
        n = len(_WORD.findall(text, a, b))
        if cur_start is not None and count + n > 2 * target:  # would be too long for the model: close it
            passages.append(_passage(cur_start, cur_end, page_starts))
            cur_start, count = None, 0
        if cur_start is None:
            cur_start = a
        cur_end = b
        count += n
        if count >= target:
            passages.append(_passage(cur_start, cur_end, page_starts))
            cur_start, count = None, 0
    if cur_start is not None:
        if passages and count < target // 3:  # a short tail joins the passage before it
            last = passages.pop()
            passages.append(_passage(last.start, cur_end, page_starts))
        else:
            passages.append(_passage(cur_start, cur_end, page_starts))
    return passages


def _passage(start: int, end: int, page_starts: list[int] | None) -> Passage:
    page = bisect.bisect_right(page_starts, start) if page_starts and len(page_starts) > 1 else None
    return Passage(start, end, page)
