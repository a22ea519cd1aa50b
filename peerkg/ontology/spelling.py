"""When one name of a vocabulary term is another spelling of a name given: the rule behind every "did you
mean" of a vocabulary value, and behind the warning that a proposed term's label is close to an existing one.

A hint must never suggest a term of another meaning ("self-advocacy" is not "self-efficacy", although
difflib finds them 77% alike), so a hint is made only for

- another spelling of the same words: case, accents, spaces, hyphens and underscores aside ("Self Efficacy",
  "self_efficacy", "quality-of-life"); alternative labels (skos:altLabel) count as names of the term;
- a typo: the same number of words, each word the same or at a small edit distance (optimal string alignment:
  insertions, deletions, substitutions and swaps of two neighbours) that depends on its length: for words of
  up to 4 letters only a swap of two neighbours (hoep for hope, but not care/cure or hope/hops), 1 for 5 to 8
  letters (recovry, depresion, behavior), 2 for longer words (hospitalization, empowerement), and at most 2
  over all words.

Anything else is no hint: the curator is told the allowed terms and how to propose a new one.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[^\W_]+")

# Edits allowed in one word, by its length (the longer of the two words): (up to length, edits)
_WORD_EDITS = ((4, 0), (8, 1))
_LONG_WORD_EDITS = 2
_TOTAL_EDITS = 2
# How alike (difflib ratio of the folded texts) a proposed label may be to an existing one before a warning
CLOSE_RATIO = 0.8


def words(text: str) -> list[str]:
    """The words of `text`, case-folded, accents dropped, split at anything not a letter or digit."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WORD.findall(text)


def distance(a: str, b: str) -> int:
    """The optimal string alignment distance of two words: insertions, deletions, substitutions and swaps of
    two neighbouring letters, each counting 1 (Damerau's typo classes, 1964)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _allowed(a: str, b: str) -> int:
    length = max(len(a), len(b))
    for up_to, edits in _WORD_EDITS:
        if length <= up_to:
            return edits
    return _LONG_WORD_EDITS


def _swap(a: str, b: str) -> bool:
    """Two words that differ by one swap of neighbouring letters (hoep, hope)."""
    return len(a) == len(b) and sorted(a) == sorted(b) and distance(a, b) == 1


def respelling(given: str, name: str) -> int | None:
    """How many edits make `given` into `name` when it is another spelling or a typo of it (0: the same words
    written otherwise), else None (a different name, possibly of a different meaning)."""
    ours, theirs = words(given), words(name)
    if not ours or not theirs:
        return None
    if "".join(ours) == "".join(theirs):
        return 0
    if len(ours) != len(theirs):
        return None
    total = 0
    for a, b in zip(ours, theirs, strict=True):
        if a == b:
            continue
        edits = distance(a, b)
        if edits > _allowed(a, b) and not _swap(a, b):
            return None
        total += edits
    return total if total <= _TOTAL_EDITS else None


def suggestions(given: str, names: Mapping[str, str]) -> list[str]:
    """The terms `given` is another spelling or a typo of, closest first: `names` maps each name of a term
    (slug, label, alternative label) to the term (its slug). Empty when no name is safely close."""
    found: dict[str, int] = {}
    for name, term in names.items():
        edits = respelling(given, name)
        if edits is not None and edits < found.get(term, _TOTAL_EDITS + 1):
            found[term] = edits
    return sorted(found, key=lambda t: (found[t], t))


def close_labels(label: str, labels: Iterable[str]) -> list[str]:
    """The labels of `labels` that `label` is close to, for a warning (not a hint): another spelling or a
    typo of it, or at least CLOSE_RATIO alike (difflib) once case, accents and punctuation are set aside."""
    ours = " ".join(words(label))
    close = []
    for other in labels:
        theirs = " ".join(words(other))
        if respelling(label, other) is not None or \
                difflib.SequenceMatcher(None, ours, theirs).ratio() >= CLOSE_RATIO:
            close.append(other)
    return sorted(set(close))
