"""The report: one self-contained HTML page of what the graph holds and concludes, each section naming the
stored query that produced it, so a reader can rerun it (`peerkg query NAME`) or follow it on an endpoint.

Sections: headline counts (`counts`) and the claims check (`claims`); the evidence map (`findings`, `reviews`,
`implementation-factors`, `experience-themes`); the verdicts (`conclusions`), each linked to the findings and
quotes it rests on (`conclusion-evidence`); implementation factors by CFIR domain (`implementation-factors`);
experience themes by perspective (`perspectives-by-theme`).
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from peerkg.errors import PeerkgError
from peerkg.synthesis.evidence_map import draw, map_data

Rows = Callable[..., list[dict[str, Any]]]  # rows(name) or rows(name, params)
VERDICT_CLASSES = {
    "consistent evidence of improvement": "consistent",
    "mixed": "mixed",
    "no evidence of improvement": "none",
    "insufficient evidence": "insufficient",
}


def text(value: Any) -> str:
    """A cell as escaped HTML text ("" for None)."""
    return "" if value is None else html.escape(str(value))


def anchor(*parts: str) -> str:
    """An id for a conclusion's evidence: letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(p for p in parts if p).lower()).strip("-")


def table(rows: list[dict[str, Any]], columns: Iterable[str], cell: Callable[[str, dict[str, Any]], str] | None = None,
          ) -> str:
    """An HTML table of `rows` with these columns; `cell(column, row)` may render a cell itself."""
    columns = list(columns)
    head = "".join(f"<th>{text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(c, r) if cell else text(r.get(c))}</td>" for c in columns) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(title: str, queries: str, body: str, ident: str) -> str:
    """One section with the stored queries it comes from."""
    return (f'<section id="{ident}"><h2>{text(title)}</h2>'
            f'<p class="source">From the stored quer{"ies" if "," in queries else "y"} '
            f"{', '.join(f'<code>{text(q.strip())}</code>' for q in queries.split(','))}.</p>{body}</section>")


def headline(rows: Rows) -> str:
    counts = rows("counts")
    claims = rows("claims")
    checked = [c for c in claims if c.get("agrees") is not None and c.get("agrees") != ""]
    agree = [c for c in checked if c["agrees"] in (True, "true")]
    disagree = [c for c in checked if c not in agree]
    summary = (f"<p><strong>{len(agree)} of {len(checked)}</strong> numerical claims the umbrella review makes "
               f"about its included reviews agree with the graph re-derived from review-level facts; "
               f"{len(claims) - len(checked)} cannot be re-derived (their criteria are not reported).</p>")
    return (section("Headline counts", "counts", table(counts, ["measure", "value"]), "counts")
            + section("Claims check", "claims", summary + "<h3>Claims that disagree</h3>"
                      + table(disagree, ["claim", "statement", "stated_value", "graph_value", "note"]), "claims"))


def evidence_map(rows: Rows) -> str:
    figure = draw(map_data(rows))
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg")
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)
    svg = buffer.getvalue()
    return section("Evidence map", "findings, reviews, implementation-factors, experience-themes",
                   f'<figure id="evidence-map">{svg[svg.index("<svg"):]}</figure>', "map")


def evidence_rows(rows: Rows, outcomes: Iterable[str]) -> list[dict[str, Any]]:
    """The `conclusion-evidence` rows of every outcome (the query takes one outcome at a time)."""
    return [row for outcome in sorted(outcomes) for row in rows("conclusion-evidence", {"outcome": outcome})]


def verdicts(rows: Rows) -> str:
    conclusions = rows("conclusions")
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in evidence_rows(rows, {r["outcome"] for r in conclusions}):
        evidence[anchor(row["outcome_label"], row["population"], row["format"])].append(row)
    columns = ["outcome", "population", "format", "verdict", "reviews", "meta_analyses", "improvement", "no_effect",
               "mixed", "worsening", "comparators", "best_amstar2", "best_certainty"]

    def cell(column: str, row: dict[str, Any]) -> str:
        if column == "verdict":
            ident = anchor(row["outcome"], row["population"], row["format"])
            link = f' <a href="#evidence-{ident}">evidence</a>' if ident in evidence else ""
            kind = VERDICT_CLASSES.get(row["verdict"], "")
            return f'<span class="verdict {kind}">{text(row["verdict"])}</span>{link}'
        return text(row.get(column))

    details = []
    for ident, found in evidence.items():
        first = found[0]
        group = " / ".join(x for x in (first["outcome_label"], first["population"], first["format"]) if x)
        items = "".join(f"<li><strong>{text(e['review'])}</strong> ({text(e['role'])}, {text(e['direction'])}"
                        f"{'; ' + text(e['outcome_as_reported']) if e.get('outcome_as_reported') else ''}): "
                        f"<q>{text(e['quote'])}</q> <span class=\"where\">{text(e['where'])}</span></li>"
                        for e in found)
        details.append(f'<details id="evidence-{ident}"><summary>{text(group)}: {text(first["verdict"])}</summary>'
                       f"<ul>{items}</ul></details>")
    return section("Verdicts", "conclusions, conclusion-evidence",
                   "<p>Derived by the rule <code>queries/rules/conclusions.rq</code>; each verdict links to the "
                   "findings it rests on and their quotes.</p>" + table(conclusions, columns, cell)
                   + "<h3>The evidence behind each verdict</h3>" + "".join(details), "verdicts")


def implementation(rows: Rows) -> str:
    factors = rows("implementation-factors")
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in factors:
        by_domain[str(row["cfir_domain"])].append(row)
    body = "".join(f"<h3>{text(domain)}</h3>" + table(found, ["influence", "factor", "review", "refs"])
                   for domain, found in sorted(by_domain.items()))
    return section("Implementation factors by CFIR domain", "implementation-factors", body, "implementation")


def experiences(rows: Rows) -> str:
    themes = rows("perspectives-by-theme")
    return section("Experience themes by perspective", "perspectives-by-theme",
                   table(themes, [c for c in ("theme", "perspectives", "n_reviews", "reviews", "refs")
                                  if any(c in r for r in themes)]), "experiences")


STYLE = """body{font-family:sans-serif;margin:1.5em auto;max-width:120em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;
vertical-align:top;text-align:left}th{background:#f2f2f2}p.source{color:#555;font-size:.9em}
svg{max-width:100%;height:auto}.verdict{padding:0 .3em;border-radius:.3em}.consistent{background:#c8ecdf}
.mixed{background:#fbe3b3}.none{background:#e4e4e4}.insufficient{background:#f7f7f7;color:#666}
details{margin:.3em 0}td .verdict{white-space:nowrap}q{font-style:italic}.where{color:#666;font-size:.85em}"""


def report_html(rows: Rows, title: str = "peerkg: the evidence on peer support for mental health") -> str:
    """The whole report page (HTML text), from `rows(name)` running a stored query. Raises what `rows` raises."""
    sections = [headline(rows), evidence_map(rows), verdicts(rows), implementation(rows), experiences(rows)]
    contents = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in (
        ("counts", "Headline counts"), ("claims", "Claims check"), ("map", "Evidence map"), ("verdicts", "Verdicts"),
        ("implementation", "Implementation factors"), ("experiences", "Experience themes")))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{text(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{text(title)}</h1>"
            f"<p>Every section is the answer of a stored query of <code>queries/</code> on the graph; run it "
            f"yourself with <code>peerkg query NAME</code> or on any SPARQL endpoint.</p><ul>{contents}</ul>"
            + "".join(sections) + "</body></html>\n")


def write_report(rows: Rows, folder: Path) -> Path:
    """Writes `folder/index.html` (self-contained: styles and the map's SVG inline, no script, nothing loaded
    from elsewhere); returns its path. Raises PeerkgError when the folder cannot be written."""
    page = report_html(rows)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / "index.html"
        out.write_text(page, "utf-8")
    except OSError as exc:
        raise PeerkgError(f"{folder}: cannot write the report: {exc.strerror or exc}") from None
    return out
