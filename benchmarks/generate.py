"""Synthetic but realistic entries: a growing evidence base built from the curated one, and new review entries.

    python benchmarks/generate.py --scale 100 --out graph-100x.nq      # the evidence base at 100x the source
    python benchmarks/generate.py --copies 100 --out graph-100x.nq     # 100 plain copies (umbrella in each)
    python benchmarks/generate.py --new 50 --out new-entries/           # 50 new review entries (YAML)

`--scale k` is what a growing evidence base looks like: many reviews, few umbrella reviews. The curated reviews
are copied k times (copy c under ids suffixed -c<c>, reference numbers moved out of each other's way), and
the umbrella review (with its claims, implementation factors and experience themes) once per UMBRELLA_EVERY
copies, its copies of the reviews citing it: 100x gives about 3,500 reviews and one umbrella review, 1,000x
about 35,000 reviews and 10 umbrella reviews. `--copies k` copies the umbrella review into every copy too (the
old generator: its claims grow with the reviews, so queries over claims x reviews grow as k^2 by construction).
A new entry is a curated review (by default the largest, 13 findings) under a fresh id and reference number,
as a curator would write it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from peerkg.commands.build import entry_files, load_entries
from peerkg.graph.store import to_nquads
from peerkg.loaders.fieldmap import entry_format
from peerkg.namespaces import entry_graph_name, graph_name
from peerkg.ontology import artifact_graphs
from peerkg.queries.catalogue import catalogue_graph

REF_STEP = 100  # the curated reference numbers are below 100; copy c numbers its papers c*100 + n
UMBRELLA = "cooper-2024"  # the curated umbrella review
UMBRELLA_EVERY = 100  # --scale: one umbrella review per this many copies of the reviews


def base_nquads() -> tuple[str, str, list[str]]:
    """The artifact graphs (shared by every copy), the curated entries as N-Quads, and their ids."""
    entries = load_entries(entry_files())
    artifacts = to_nquads([*artifact_graphs(), (graph_name("queries"), catalogue_graph())])
    data = to_nquads([(entry_graph_name(e.id), e.graph) for e in entries])
    return artifacts, data, [e.id for e in entries]


def copy_pattern(ids: list[str]) -> re.Pattern[str]:
    base = re.escape(entry_format().base)
    graphs = re.escape(graph_name("") + "entry/")
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"<((?:{base}|{graphs})(?:{names}))(/[^>]*)?>")


REF = re.compile(r'(<https://w3id\.org/peerkg/referenceNumber> )"(\d+)"')


def replicate(data: str, ids: list[str], copies: int, start: int = 0) -> Iterator[str]:
    """N-Quads of `copies` copies of the curated entries (copy numbers from `start`)."""
    pattern = copy_pattern(ids)
    for c in range(start, start + copies):
        suffix = f"-c{c}"
        text = pattern.sub(lambda m, s=suffix: f"<{m.group(1)}{s}{m.group(2) or ''}>", data)
        yield REF.sub(lambda m, c=c: f'{m.group(1)}"{c * REF_STEP + int(m.group(2))}"', text)


def split_umbrella(data: str, umbrella: str = UMBRELLA) -> tuple[str, str]:
    """The curated entries' N-Quads as (the umbrella review's named graph, every other entry's)."""
    graph = f"<{entry_graph_name(umbrella)}> .\n"
    lines = data.splitlines(keepends=True)
    own = "".join(line for line in lines if line.endswith(graph))
    return own, "".join(line for line in lines if not line.endswith(graph))


def scaled(data: str, ids: list[str], scale: int, start: int = 0,
           every: int = UMBRELLA_EVERY) -> Iterator[str]:
    """N-Quads of copies `start` .. `scale`-1 of a growing evidence base: each copy holds the curated
    reviews; copy c's reviews cite the umbrella review of copy c - c % every, which only that copy holds."""
    umbrella, reviews = split_umbrella(data)
    pattern = copy_pattern(ids)
    bases = f"{re.escape(entry_format().base)}|{re.escape(graph_name('') + 'entry/')}"
    umbrella_iri = re.compile(rf"<((?:{bases}){re.escape(UMBRELLA)})(/[^>]*)?>")
    for c in range(start, scale):
        owner = f"-c{c - c % every}"
        text = umbrella_iri.sub(lambda m, s=owner: f"<{m.group(1)}{s}{m.group(2) or ''}>", reviews)
        if c % every == 0:
            text = umbrella + text
        suffix = f"-c{c}"
        text = pattern.sub(lambda m, s=suffix: f"<{m.group(1)}{s}{m.group(2) or ''}>", text)
        if c >= every:  # each umbrella review's own source documents, as two umbrella reviews would have
            text = DOCUMENT.sub(lambda m, s=owner: f"/document/{m.group(1)}{s}>", text)
        yield REF.sub(lambda m, c=c: f'{m.group(1)}"{c * REF_STEP + int(m.group(2))}"', text)


DOCUMENT = re.compile(r"/document/([a-z0-9]+(?:-[a-z0-9]+)*)>")


def write_scaled(out: Path, scale: int) -> int:
    """Writes the artifact graphs and `scale` copies of the evidence base (`scaled`) to `out` as N-Quads,
    copy by copy (never the whole graph in memory); returns the number of quads written."""
    artifacts, data, ids = base_nquads()
    quads = 0
    with out.open("w", encoding="utf-8") as stream:
        stream.write(artifacts)
        quads += artifacts.count("\n")
        for part in scaled(data, ids, scale):
            stream.write(part)
            quads += part.count("\n")
    return quads


def new_entry_text(template: Path, ident: str, ref: int, umbrella: str = UMBRELLA) -> str:
    """A curated review entry as a new one: fresh id and reference numbers, included in `umbrella` (an entry
    id: the curated graph's, or `cooper-2024-c0` in a graph written by `scaled`), the rest as curated."""
    data = yaml.safe_load(template.read_text("utf-8"))
    data["id"] = ident
    for inclusion in data.get("included_in", []):
        inclusion["umbrella"] = umbrella
        inclusion["references"] = [ref + n for n in range(len(inclusion.get("references", [])))]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def largest_review() -> Path:
    files = [p for p in entry_files() if "record:" not in p.read_text("utf-8")]
    return max(files, key=lambda p: p.read_text("utf-8").count("- outcome:"))


def write_new_entries(folder: Path, count: int, template: Path | None = None, first_ref: int = 900_000,
                      umbrella: str = UMBRELLA) -> list[Path]:
    """`count` new review entries (copies of the largest curated review) in `folder`, included in `umbrella`."""
    folder.mkdir(parents=True, exist_ok=True)
    template = template or largest_review()
    paths = []
    for n in range(count):
        path = folder / f"new-{n}-2025.yaml"
        path.write_text(new_entry_text(template, f"new-{n}-2025", first_ref + n, umbrella), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="write the evidence base at this scale (N-Quads)")
    parser.add_argument("--copies", type=int, default=0, help="write the graph with this many copies (N-Quads)")
    parser.add_argument("--new", type=int, default=0, help="write this many new review entries (YAML)")
    parser.add_argument("--out", type=Path, required=True, help="the N-Quads file, or the folder of new entries")
    args = parser.parse_args()
    if args.scale:
        quads = write_scaled(args.out, args.scale)
        print(f"wrote {args.out}: the evidence base at {args.scale}x, {quads:,} quads")
    if args.copies:
        artifacts, data, ids = base_nquads()
        with args.out.open("w", encoding="utf-8") as out:
            out.write(artifacts)
            for part in replicate(data, ids, args.copies):
                out.write(part)
        print(f"wrote {args.out}: {args.copies} copies of {len(ids)} entries ({graph_name('')}...)")
    if args.new:
        paths = write_new_entries(args.out, args.new)
        print(f"wrote {len(paths)} new entries to {args.out}")


if __name__ == "__main__":
    main()
