"""Media types the endpoint answers in, and the choice among them from an HTTP Accept header."""

from __future__ import annotations

# media type -> pyoxigraph format name (QueryResultsFormat for solutions and booleans, RdfFormat for graphs);
# the first of each table is the default when the client accepts anything
SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
}
BOOLEAN_TYPES: dict[str, str] = {k: v for k, v in SOLUTION_TYPES.items() if v in ("JSON", "XML")}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}


def _accepted(accept: str) -> list[tuple[str, float]]:
    """(media range, q) pairs of an Accept header, malformed parts skipped."""
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered media type the Accept header prefers, the first offered one when it says nothing (or
    `*/*`), or None when it accepts none of them (the caller answers 406)."""
    if not accept or not accept.strip():
        return next(iter(offered))
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for order, media in enumerate(offered):
        major = media.split("/")[0]
        for rng, q in _accepted(accept):
            if q <= 0:
                continue
            if rng == media:
                specificity = 2
            elif rng == f"{major}/*":
                specificity = 1
            elif rng == "*/*":
                specificity = 0
            else:
                continue
            key = (q, specificity, -order)
            if best is None or key > best:
                best, chosen = key, media
    return chosen
