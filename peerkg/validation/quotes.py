"""Quotes checked against the documents they name: the one check of the rulebook that needs a file.

Every quote (a pk:SourceExcerpt's prov:value) names its document (prov:wasQuotedFrom). Where the document
has a local plain-text copy (pk:localPath, relative to the file of the entry that declares it), the quote
must be in it, after the same normalisation as the curated data's test: runs of white space are one space,
typographic quotes are straight ones, typographic dashes and the minus sign are hyphens. A quote not found
is a violation (rule `quote-not-found`) naming the file, entry, field and line of the quote, with the
closest passage of the text as the hint. The quotes of a document without a text copy (or whose copy is
not at hand) are listed as unchecked (rule `quote-unchecked`, severity info), one line per entry and
document: they do not make the entry fail.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from peerkg.errors import Problem
from peerkg.graph.store import Store
from peerkg.loaders import Entry, Place
from peerkg.namespaces import entity_base, expand

NOT_FOUND = "quote-not-found"
UNCHECKED = "quote-unchecked"
# What the comparison ignores (the curated data's test does the same): typographic quotes and dashes.
_TRANSLATE = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                            "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-"})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """`text` as quotes are compared: white space collapsed to one space (and stripped), typographic quotes
    straight, typographic dashes and the minus sign as hyphens."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


def closest_passage(quote: str, text: str) -> str:
    """The passage of `text` (both normalised) most like `quote`, of about its length: the window of words
    with the highest difflib ratio, refined around the best one. Empty for an empty text."""
    words = text.split(" ")
    size = max(1, len(quote.split(" ")))
    if not text:
        return ""
    step = max(1, size // 3)
    best, best_start = -1.0, 0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for start in range(0, max(1, len(words) - size + 1), step):
        matcher.set_seq1(" ".join(words[start:start + size]))
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, best_start = ratio, start
    for start in range(max(0, best_start - step), min(len(words), best_start + step + 1)):
        for length in (size - 1, size, size + 1):
            matcher.set_seq1(" ".join(words[start:start + max(1, length)]))
            ratio = matcher.ratio()
            if ratio > best:
                best, best_start, size = ratio, start, max(1, length)
    return " ".join(words[best_start:best_start + size])


@dataclass
class DocumentTexts:
    """Where the text copies of documents are: the documents of the batch (declared by an entry whose file is
    known) and those the graph holds (their entry's file looked for in `folders`: data/ and the workspace,
    where an added entry keeps its texts in `entries/<id>/`)."""

    entries: Sequence[Entry]
    store: Store | None = None
    folders: Sequence[Path] = ()
    _texts: dict[URIRef, tuple[str, str] | None] = field(default_factory=dict)

    def text(self, document: URIRef) -> tuple[str, str] | None:
        """(path shown to the curator, normalised text) of the document's copy, or None when it has none or
        it cannot be read."""
        if document not in self._texts:
            self._texts[document] = self._read(document)
        return self._texts[document]

    def _read(self, document: URIRef) -> tuple[str, str] | None:
        local_path = expand("pk:localPath")
        for entry in self.entries:
            given = entry.graph.value(document, local_path)
            if given is not None:  # beside the entry file, or where the workspace keeps an added entry's texts
                folder = Path(entry.file).parent
                return _read_text(folder / str(given)) or _read_text(folder / entry.id / str(given))
        if self.store is None:
            return None
        rows = self.store.query(f"SELECT ?p WHERE {{ <{document}> <{local_path}> ?p }}",
                                use_default_graph_as_union=True)
        given_paths = [row[0].value for row in rows]  # type: ignore[union-attr]
        if not given_paths:
            return None
        declaring = str(document)[len(entity_base()):].partition("/document/")[0]
        for folder in self.folders:
            for base in (folder / declaring, folder):
                found = _read_text(base / given_paths[0])
                if found is not None:
                    return found
        return None


def _read_text(path: Path) -> tuple[str, str] | None:
    try:
        return str(path), _normalised_file(path.resolve())
    except (OSError, UnicodeDecodeError):
        return None


@cache
def _normalised_file(path: Path) -> str:
    return normalise(path.read_text("utf-8"))


def check_quotes(entries: Iterable[Entry], texts: DocumentTexts) -> list[tuple[Problem, str]]:
    """(problem, severity) for every quote of `entries` not found in its document's text copy (violation)
    and, per entry and document, the quotes that could not be checked (info)."""
    quoted_from, value = expand("prov:wasQuotedFrom"), expand("prov:value")
    found: list[tuple[Problem, str]] = []
    for entry in entries:
        unchecked: dict[URIRef, int] = {}
        for source, document in sorted(entry.graph.subject_objects(quoted_from)):
            quote = entry.graph.value(source, value)
            if quote is None or not isinstance(document, URIRef) or not isinstance(source, URIRef):
                continue
            text = texts.text(document)
            if text is None:
                unchecked[document] = unchecked.get(document, 0) + 1
                continue
            wanted = normalise(str(quote))
            if wanted in text[1]:
                continue
            place = _place(entry, source, value)
            found.append((Problem(entry.file, f"the quote is not in the text of document {_name(document)} "
                                  f"({text[0]})", entry.id, place.field, place.line,
                                  f"closest passage: {closest_passage(wanted, text[1])!r}", NOT_FOUND),
                          "violation"))
        for document, count in sorted(unchecked.items()):
            found.append((Problem(entry.file, f"{count} quote(s) of document {_name(document)} not checked: it has "
                                  "no local text copy at hand", entry.id, "",
                                  hint="give the document a `text:` copy to have its quotes checked",
                                  rule=UNCHECKED), "info"))
    return found


def _place(entry: Entry, source: URIRef, value: URIRef) -> Place:
    place = entry.places.get((source, value))
    if place is not None:
        return place
    node = entry.places.get((source, None))
    return node.key("quote") if node is not None else Place(_name(source))


def _name(node: URIRef) -> str:
    text = str(node)
    base = entity_base()
    return text.rpartition("/document/")[2] if "/document/" in text else \
        (text[len(base):] if text.startswith(base) else text)


def documents_of(graph: Graph) -> list[URIRef]:
    """The source documents `graph` declares."""
    return sorted(d for d in graph.subjects(RDF.type, expand("pk:SourceDocument")) if isinstance(d, URIRef))
