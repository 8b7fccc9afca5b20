"""Teaching text lives in Markdown beside each page (`pages/NN_<slug>.md`), not in Python strings.
Pure: no streamlit import (the home page's search and the tests read it too).

A text file is a list of `## <Section>` blocks. Sections every concept page has:
- `Intro`: the 2–4 sentences under the title (hidden in presenter mode).
- `Formula`: the core formula in LaTeX (one or more lines, each its own display line).
- `Takeaways`, `Questions`: bullet lists ("- ..."); Questions are the interview questions the page
  answers, in our own words; the home page's search matches them (and the questions of the lesson).
- `Lesson`: the page's beats (`### <title>` blocks of `view:`/`say:`/`asks:`/`predict:`/`choices:`/
  `answer:` lines), parsed by `ui.lesson_data`.
- `Corrections`: bullets "- <wrong claim> => <what is true>".
Any other section (e.g. `## Transfer`) is static prose a page shows with `ui.section("Transfer")`.
Numbers, rankings and comparisons never go here: they are computed next to the chart they describe.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

STOP_WORDS = frozenset("a an and are as at be by can do does for from how i in is it of on or the to "
                       "what when where which who why with you your vs versus "
                       "work works".split())  # "how does … work?": the frame of a question, not its topic


@dataclass(frozen=True)
class PageText:
    sections: dict[str, str]  # section heading -> its Markdown body (stripped)

    def get(self, name: str) -> str:
        if name not in self.sections:
            raise KeyError(f"no “## {name}” section; sections: {', '.join(self.sections)}")
        return self.sections[name]

    def bullets(self, name: str) -> list[str]:
        """The "- item" lines of a section (an item may continue on indented lines)."""
        items: list[str] = []
        for line in self.sections.get(name, "").splitlines():
            if line.startswith("- "):
                items.append(line[2:].strip())
            elif line.strip() and items:
                items[-1] += " " + line.strip()
        return items

    @property
    def questions(self) -> list[str]:
        return self.bullets("Questions")

    @property
    def lesson_questions(self) -> list[str]:
        """The questions of the `## Lesson` beats (`asks:` and `predict:` lines; format: ui/lesson_data.py)."""
        return [line.partition(":")[2].strip() for line in self.sections.get("Lesson", "").splitlines()
                if line.split(":", 1)[0].strip().lower() in ("asks", "predict") and ":" in line]

    @property
    def corrections(self) -> list[tuple[str, str]]:
        pairs = []
        for item in self.bullets("Corrections"):
            claim, _, fix = item.partition("=>")
            pairs.append((claim.strip(), fix.strip()))
        return pairs

    @property
    def formulas(self) -> list[str]:
        """Display formulas: blocks separated by blank lines."""
        return [block.strip() for block in re.split(r"\n\s*\n", self.sections.get("Formula", "")) if block.strip()]


def parse(markdown: str) -> PageText:
    sections: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return PageText({name: "\n".join(lines).strip() for name, lines in sections.items()})


@functools.lru_cache(maxsize=None)
def page_text(path: Path) -> PageText:
    """The parsed text file of a page (empty when the page has none)."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8")) if path.is_file() else PageText({})


SHOWN_SHARE = 0.25  # of the best match's score: weaker matches are not listed


def stems(text: str) -> list[str]:
    """Lower-case word stems in order, stop-words left out: 'Dropout?' -> 'dropout', 'optimisers' -> 'optimiser'."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS and len(w) >= 2]


def words(text: str) -> set[str]:
    """The set of `stems`."""
    return set(stems(text))


def search(query: str, pages) -> list[tuple[object, float, str | None]]:
    """Pages that match a free-text query, best first: (page, score, best-matching question or None).
    A query word found in the title counts 3, in the pitch 2, in a question 2, and in the page's text
    1 + log₂ of how often it occurs there, at most 3 (a page about transformers names them often; one
    that mentions them in passing, once), in a tab's name 2; the sum is scaled by the share of query
    words found. Pages scoring under SHOWN_SHARE of the best are left out."""
    wanted = words(query)
    if not wanted:
        return [(p, 0.0, None) for p in pages]
    results = []
    for page in pages:
        text = page_text(page.text_file)
        title, pitch, tabs = words(page.title), words(page.pitch), words(" ".join(page.tabs))
        counts = Counter(stems(" ".join(text.sections.values())))
        body = set(counts)
        best_q, best_q_hits = None, 0
        for q in text.questions + text.lesson_questions:
            hits = len(wanted & words(q))
            if hits > best_q_hits:
                best_q, best_q_hits = q, hits
        found = wanted & (title | pitch | tabs | body | (words(best_q) if best_q else set()))
        if not found:
            continue
        score = (3 * len(wanted & title) + 2 * len(wanted & pitch) + 2 * len(wanted & tabs) + 2 * best_q_hits
                 + sum(min(3.0, 1 + math.log2(counts[w])) for w in wanted & body))
        results.append((page, score * len(found) / len(wanted), best_q))
    results.sort(key=lambda r: -r[1])
    # pages that only mention the words in passing (under a quarter of the best score) are left out
    return [r for r in results if r[1] >= SHOWN_SHARE * results[0][1]] if results else []
