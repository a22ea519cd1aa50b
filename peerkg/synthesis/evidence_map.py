"""The evidence map: outcomes x populations, each cell showing its reviews as marks coloured by the direction
of their findings and shaded by the reviews' AMSTAR 2 rating; beside it, CFIR domain x facilitator/barrier and
experience theme x perspective.

The cells are plain data read from the stored queries `findings`, `reviews`, `implementation-factors` and
`experience-themes` (`map_data`), so a test or another program can check them without a picture; `draw` and
`write_map` turn them into one figure with matplotlib, imported only here (`peerkg map`).
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerkg.errors import PeerkgError

DIRECTIONS = {  # direction label -> colour (colour-blind safe: Okabe-Ito)
    "improvement": "#009E73",
    "no effect": "#999999",
    "mixed": "#E69F00",
    "worsening": "#D55E00",
}
UNKNOWN_DIRECTION = "#FFFFFF"
SYNTHESES = {"meta-analysis": "o", "narrative": "s"}  # synthesis label -> matplotlib marker
# AMSTAR 2 rating -> opacity of the mark: the better the review, the more solid its mark
AMSTAR2_SHADES = {"high": 1.0, "moderate": 0.8, "low": 0.55, "low or critically low": 0.4, "critically low": 0.3}
UNRATED_SHADE = 0.15
FORMATS = (".html", ".png", ".svg")


@dataclass(frozen=True, order=True)
class Mark:
    """One review's result in one cell: its direction, how it was synthesised, and its AMSTAR 2 rating ("" when
    the graph holds none)."""

    review: str
    direction: str
    synthesis: str
    amstar2: str


@dataclass
class Cell:
    """One outcome for one population, with the marks of the reviews that report on it."""

    outcome: str
    domain: str
    population: str
    marks: list[Mark] = field(default_factory=list)


@dataclass
class MapData:
    """Everything the map shows, as plain data: the outcome x population cells; the number of implementation
    factors per (CFIR domain, influence); the number of experience findings per (theme, perspective)."""

    cells: list[Cell]
    factors: dict[tuple[str, str], int]
    themes: dict[tuple[str, str], int]

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        """(domain, outcome) pairs in the order of the rows: by domain, then outcome."""
        return sorted({(c.domain, c.outcome) for c in self.cells})

    @property
    def populations(self) -> list[str]:
        """Populations in the order of the columns: the most marks first."""
        counts: Counter[str] = Counter()
        for cell in self.cells:
            counts[cell.population] += len(cell.marks)
        return sorted(counts, key=lambda p: (-counts[p], p))


def review_key(row: Mapping[str, Any]) -> str:
    """How a row names its review: the entry id where the query gives one, else the umbrella's reference
    numbers."""
    return str(row.get("review") or row.get("refs") or "")


def best_rating(ratings: str) -> str:
    """The rating to shade a review by: 'critically low;low' (the sources narrow it down to one of the two) is
    shown as 'low or critically low'."""
    found = {r.strip() for r in ratings.split(";") if r.strip()}
    if found == {"low", "critically low"}:
        return "low or critically low"
    return next((r for r in AMSTAR2_SHADES if r in found), "")


def map_data(rows: Callable[[str], list[dict[str, Any]]]) -> MapData:
    """The map's data from the stored queries; `rows(name)` runs one (e.g. `lambda n: peerkg.queries.rows(n,
    store=...)`). Raises what `rows` raises (QueryError, StoreError)."""
    ratings = {review_key(r): best_rating(str(r.get("amstar2") or "")) for r in rows("reviews")}
    cells: dict[tuple[str, str], Cell] = {}
    for row in rows("findings"):
        review = review_key(row)
        mark = Mark(review, str(row.get("direction") or ""), str(row.get("synthesis") or ""), ratings.get(review, ""))
        for population in str(row.get("population") or "not stated").split(";"):
            key = (str(row["outcome"]), population)
            cell = cells.setdefault(key, Cell(key[0], str(row.get("outcome_domain") or ""), population))
            if mark not in cell.marks:
                cell.marks.append(mark)
    for cell in cells.values():
        cell.marks.sort()
    factors: Counter[tuple[str, str]] = Counter()
    for row in rows("implementation-factors"):
        factors[(str(row["cfir_domain"]), str(row["influence"]))] += 1
    themes: Counter[tuple[str, str]] = Counter()
    for row in rows("experience-themes"):
        themes[(str(row["theme"]), str(row["perspective"]))] += 1
    return MapData(sorted(cells.values(), key=lambda c: (c.domain, c.outcome, c.population)), dict(factors),
                   dict(themes))


def draw(data: MapData) -> Any:
    """The figure (a matplotlib Figure): the evidence map on top, CFIR domains and experience themes below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    outcomes, populations = data.outcomes, data.populations
    factor_rows = sorted({d for d, _ in data.factors})
    theme_rows = sorted({t for t, _ in data.themes})
    height = 0.42 * len(outcomes) + 0.4 * (len(factor_rows) + len(theme_rows)) + 6
    figure = plt.figure(figsize=(4 + 1.25 * len(populations), height), layout="constrained")
    grid = figure.add_gridspec(3, 2, height_ratios=[len(outcomes) + 3, len(factor_rows) + 2, len(theme_rows) + 2],
                               width_ratios=[3, 2])
    ax = figure.add_subplot(grid[0, :])
    ax.set_title("Evidence map: reviews' findings by outcome and population", loc="left", fontweight="bold",
                 pad=70)
    row_of = {outcome: n for n, outcome in enumerate(outcomes)}
    column_of = {p: n for n, p in enumerate(populations)}
    for cell in data.cells:
        y, x = row_of[(cell.domain, cell.outcome)], column_of[cell.population]
        per_line = 6
        for n, mark in enumerate(cell.marks):
            dx = (n % per_line - (min(len(cell.marks), per_line) - 1) / 2) * 0.14
            dy = (n // per_line) * 0.28 - 0.14 * ((len(cell.marks) - 1) // per_line)
            ax.scatter(x + dx, y + dy, s=55, marker=SYNTHESES.get(mark.synthesis, "D"),
                       color=DIRECTIONS.get(mark.direction, UNKNOWN_DIRECTION),
                       alpha=AMSTAR2_SHADES.get(mark.amstar2, UNRATED_SHADE), edgecolors="black", linewidths=0.6,
                       gid=mark_id(cell, mark))
    ax.set_yticks(range(len(outcomes)), [o for _, o in outcomes])
    ax.set_xticks(range(len(populations)), populations, rotation=35, ha="right")
    ax.set_xlim(-0.6, len(populations) - 0.4)
    ax.set_ylim(len(outcomes) - 0.5, -0.5)
    ax.grid(True, color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    previous = None
    for n, (domain, _) in enumerate(outcomes):
        if domain != previous:
            ax.axhline(n - 0.5, color="#555555", linewidth=0.8)
            ax.annotate(domain or "other", (1.0, n - 0.45), xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", va="top", fontsize=8, fontstyle="italic", color="#555555")
            previous = domain
    handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", label=d)
               for d, c in DIRECTIONS.items()]
    handles += [Line2D([], [], marker=m, linestyle="", color="#bbbbbb", markeredgecolor="black", label=s)
                for s, m in SYNTHESES.items()]
    handles += [Line2D([], [], marker="o", linestyle="", color="#009E73", alpha=a, markeredgecolor="black",
                       label=f"AMSTAR 2: {r}") for r, a in AMSTAR2_SHADES.items()]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=6, fontsize=8, frameon=False,
              title="one mark per review and direction in each cell", title_fontsize=8, alignment="left")
    _bubbles(figure.add_subplot(grid[1, :]), data.factors, factor_rows, ["facilitator", "barrier"],
             "Implementation factors by CFIR domain", "#0072B2")
    perspectives = sorted({p for _, p in data.themes})
    _bubbles(figure.add_subplot(grid[2, :]), data.themes, theme_rows, perspectives,
             "Experience findings by theme and perspective", "#CC79A7")
    return figure


def mark_id(cell: Cell, mark: Mark) -> str:
    """The id of a mark in the SVG and HTML: `mark|outcome|population|review|direction|synthesis`, so a reader
    (or a test) can find what each mark stands for."""
    return "|".join(("mark", cell.outcome, cell.population, mark.review, mark.direction, mark.synthesis))


def _bubbles(ax: Any, counts: Mapping[tuple[str, str], int], rows: list[str], columns: list[str], title: str,
             colour: str) -> None:
    ax.set_title(title, loc="left", fontweight="bold")
    for (row, column), count in counts.items():
        if row in rows and column in columns:
            x, y = columns.index(column), rows.index(row)
            ax.scatter(x, y, s=60 + 40 * count, color=colour, alpha=0.6, edgecolors="black", linewidths=0.5)
            ax.annotate(str(count), (x, y), ha="center", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xticks(range(len(columns)), columns)
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(True, color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)


def write_map(data: MapData, out: Path) -> Path:
    """Writes the map to `out`: .png, .svg, or .html (a self-contained page: the SVG inline, no script, no
    external file, so it works offline). Raises PeerkgError for another suffix or when `out` cannot be
    written."""
    if out.suffix.lower() not in FORMATS:
        raise PeerkgError(f"{out}: the map is written as {', '.join(FORMATS)}; name the file with one of them")
    figure = draw(data)
    try:
        if out.suffix.lower() == ".html":
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg")
            out.write_text(page(buffer.getvalue()), "utf-8")
        else:
            figure.savefig(out, dpi=110)
    except OSError as exc:
        raise PeerkgError(f"{out}: cannot write the map: {exc.strerror or exc}") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return out


def page(svg: str, title: str = "peerkg evidence map") -> str:
    """An HTML page around the figure's SVG, with what it shows and where its data come from."""
    svg = svg[svg.index("<svg"):]  # without the XML declaration and DOCTYPE
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.5em;max-width:110em}} svg{{max-width:100%;height:auto}}
p{{color:#444;max-width:60em}}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>Each mark is one review's result on one outcome for one population: its colour is the direction the review
reports (improvement, no effect, mixed, worsening), its shape how the review synthesised it (circle:
meta-analysis, square: narrative), its shade the review's AMSTAR 2 rating (solid: high; faint: critically low).
Data: the stored queries <code>findings</code> and <code>reviews</code>; below, <code>implementation-factors</code>
(number of factors per CFIR domain) and <code>experience-themes</code> (number of experience findings per theme
and perspective).</p>
<figure id="evidence-map">{svg}</figure>
</body></html>
"""

