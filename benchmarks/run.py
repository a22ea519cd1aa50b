"""peerkg's speed at scale, measured side by side in one run and printed as one table.

    python benchmarks/run.py                      # scales 1, 100 and 1,000
    python benchmarks/run.py --scales 1           # the curated scale only (about a minute)
    python benchmarks/run.py --scales 1,100 --timeout 120
    python benchmarks/run.py --scales 1000 --timeout 300 --queries reviews,findings,counts

For each scale k the evidence base is generated (benchmarks/generate.py --scale k: the curated reviews copied
k times, one umbrella review per 100 copies), then measured, each step in a fresh Python process (so its peak
memory is its own, and a step that runs past --timeout seconds is stopped and shown as `>T`):

- build: the N-Quads loaded through peerkg (`peerkg.graph.store.load_file`, streaming) beside pyoxigraph's
  own bulk load of the same file (the floor), then the conclusions derived by the rule as `build` does; full
  SHACL validation of the whole graph; the release files. The curated graph is also built by `peerkg build`
  itself (phases from its progress lines).
- query: each stored query through peerkg's API (`peerkg.queries.rows`) beside the same SPARQL on raw
  pyoxigraph over the same store (every cell read): once with its defaults (an optional parameter left out),
  and once more with the umbrella review bound where that parameter is optional. The scaled graph holds the
  curated umbrella review as `cooper-2024-c0`, which stands in for the default `cooper-2024`. On rdflib's
  in-memory Dataset (union default graph) at 1x and 100x, each query in a forked copy of the loaded process,
  stopped after 10 s (60 s for all of them). The ratio to raw pyoxigraph; the growth from 100x to 1,000x.
- entry: `peerkg validate` and `peerkg add` of one new entry in a fresh process, and warm (in-process
  incremental validation, median of 5 new entries after a first one); the full re-validation's ratio to the
  warm one.
- export: each format of the curated store beside the store's own N-Quads dump.
- start-up: `python -c "import peerkg"`, `peerkg --help`, `peerkg query counts` in fresh processes (best of 3).
  Every fresh-process row notes its CPU seconds (user + system): on a shared machine the wall time also
  holds the wait for a core.
- reason: `peerkg reason` on the curated store in a fresh process (HermiT through Java), with the number of
  progress lines it wrote.
- serve: `peerkg serve` on the curated graph, every stored query over HTTP with 1 and 20 clients (p50, p95).

Columns: seconds through peerkg, seconds of the reference (raw pyoxigraph, the bulk loader, the store's dump,
the warm validation), their ratio, rdflib's seconds, size (rows or quads), growth 100x->1,000x, peak memory
of the step's process in MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

RDFLIB_SCALES = (1, 100)
RDFLIB_LIMIT = 10.0  # seconds a stored query may take on rdflib before it is stopped (shown as >10)
RDFLIB_BUDGET = 60.0  # seconds all the stored queries of one scale may take on rdflib together
LARGE = 1000  # from this scale on, each stored query runs with its defaults only, stopped after QUERY_LIMIT_LARGE
QUERY_LIMIT_LARGE = 20.0  # seconds (the targets ask for 0.5 s at 100x and growth <= 11x: 5.5 s at 1,000x)
LOAD_LIMIT = 900.0  # seconds a load may take (a scale whose store is not loaded is not measured further)
FULL_VALIDATION_LIMIT = 30.0  # seconds the full pySHACL validation may take at 100x
FULL_VALIDATION_SCALES = (1, 100)
RELEASE_SCALES = (1,)


# -- workers: each runs in a fresh process and prints one JSON line per measurement ----------------------

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(**values: Any) -> None:
    print(json.dumps({**values, "peak_mb": round(_peak_mb(), 1)}), flush=True)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def work_bulk(nquads: str, store: str) -> None:
    """pyoxigraph's own bulk loader: the floor of any load."""
    import pyoxigraph as ox

    target = ox.Store(store)
    seconds, _ = _timed(lambda: (target.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS), target.flush()))
    _emit(seconds=seconds, size=len(target))


def work_load(nquads: str, store: str) -> None:
    """The same file loaded through peerkg (streaming into a store that replaces the old one), then the
    conclusions derived from it by the rule, as `peerkg build` does (timed apart)."""
    from peerkg.graph.store import add_nquads, load_file, replaced_store
    from peerkg.synthesis.conclusions import as_nquads, derive_conclusions

    timings: dict[str, float] = {}

    def load() -> int:
        with replaced_store(Path(store)) as target:
            load_file(target, Path(nquads))
            timings["loaded"] = time.perf_counter()
            add_nquads(target, as_nquads(derive_conclusions(target)))
            timings["derived"] = time.perf_counter()
            return len(target)

    started = time.perf_counter()
    size = load()
    _emit(seconds=timings["loaded"] - started, size=size, conclusions=timings["derived"] - timings["loaded"])


def _rdflib_dataset(nquads: str) -> Any:
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    return dataset


def work_validate_full(nquads: str) -> None:
    """pySHACL with the entry shapes over the whole graph (what a full re-validation costs)."""
    from rdflib import Graph

    from peerkg.validation.shapes import run_shapes

    seconds_read, dataset = _timed(lambda: _rdflib_dataset(nquads))
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    seconds, (results, _) = _timed(lambda: run_shapes(graph))
    _emit(seconds=seconds, size=len(graph), note=f"{len(results)} results; read {seconds_read:.1f}s")


def work_release(nquads: str, out: str) -> None:
    """The four release files written from the N-Quads."""
    from peerkg.graph.release import write_release

    text = Path(nquads).read_text("utf-8")
    seconds, _ = _timed(lambda: write_release(text, Path(out)))
    _emit(seconds=seconds, size=text.count("\n"))


def _raw_rows(store: Any, text: str) -> int:
    import pyoxigraph as ox

    answer = store.query(text, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    n = 0
    for solution in answer:
        for name in names:
            term = solution[name]
            if term is not None:
                _ = term.value
        n += 1
    return n


def query_params(name: str, umbrella: str) -> list[dict[str, str]]:
    """How a stored query is run: with its defaults (an optional parameter left out), and, when it has an
    optional umbrella parameter, with it bound too. `umbrella` stands for the default umbrella review
    cooper-2024, which the scaled graph holds under the id of its first copy."""
    from peerkg.queries.catalogue import get

    params = get(name).params.values()
    defaults = {p.name: umbrella if p.default == UMBRELLA_DEFAULT else p.default for p in params if not p.optional}
    bound = {p.name: umbrella for p in params if p.optional and p.type == "entry"}
    return [defaults, {**defaults, **bound}] if bound else [defaults]


UMBRELLA_DEFAULT = "cooper-2024"


def query_labels(name: str, umbrella: str) -> list[str]:
    """The table's name for each run of `query_params`: the query's name, then `name, umbrella=...`."""
    return [name if n == 0 else f"{name}, umbrella={umbrella}" for n in range(len(query_params(name, umbrella)))]


def work_query(store: str, name: str, umbrella: str, variants: str) -> None:
    """One stored query through peerkg's API and the same text (its parameters bound) on raw pyoxigraph, once
    per way of running it (`query_params`, the first `variants` of them); a run under REPEAT_UNDER seconds is
    repeated (best of 3, the API and raw pyoxigraph in turn), so a first run's cold cache does not count."""
    import pyoxigraph as ox

    from peerkg.queries.catalogue import get
    from peerkg.queries.params import bind
    from peerkg.queries.run import rows

    target = ox.Store.read_only(store)
    for params in query_params(name, umbrella)[:int(variants)]:
        text = bind(get(name), params, reparse=False)
        api, raw = [], []
        size = 0
        while len(api) < 3 and (not api or max(api[0], raw[0]) < REPEAT_UNDER):
            seconds, found = _timed(lambda p=params: rows(name, p or None, store=target))
            api.append(seconds)
            size = len(found)
            seconds, _ = _timed(lambda x=text: _raw_rows(target, x))
            raw.append(seconds)
        _emit(params=params, seconds=min(api), reference=min(raw), size=size)


REPEAT_UNDER = 1.0  # seconds: a stored query run faster than this is timed three times


def work_rdflib_queries(nquads: str, umbrella: str, limit: str, budget: str) -> None:
    """Every stored query (with its defaults, `query_params`) on rdflib's in-memory Dataset (its default graph
    the union of the named graphs), each in a forked copy of this process stopped after `limit` seconds, all
    of them within `budget` seconds (those not run are shown as stopped)."""
    import select
    import signal

    from peerkg.queries.catalogue import get, stored_queries
    from peerkg.queries.params import bind

    seconds, dataset = _timed(lambda: _rdflib_dataset(nquads))
    _emit(name="(load)", seconds=seconds)
    deadline = time.monotonic() + float(budget)
    for name in stored_queries():
        text = bind(get(name), query_params(name, umbrella)[0], reparse=False)
        wait = min(float(limit), deadline - time.monotonic())
        if wait <= 0:
            _emit(name=name, seconds=float("inf"))
            continue
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # the copy: runs the query, writes its seconds and rows, leaves without clean-up
            os.close(read_end)
            took, found = _timed(lambda q=text: len(list(dataset.query(q))))
            os.write(write_end, json.dumps([took, found]).encode())
            os._exit(0)
        os.close(write_end)
        ready, _, _ = select.select([read_end], [], [], wait)
        if ready:
            took, found = json.loads(os.read(read_end, 1000) or b"[Infinity, null]")
        else:
            os.kill(child, signal.SIGKILL)
            took, found = float("inf"), None
        os.waitpid(child, 0)
        os.close(read_end)
        _emit(name=name, seconds=took, size=found)


def work_entry_warm(store: str, entries: str) -> None:
    """Incremental validation of new entries in one process: the first call (cold) and the median of the rest."""
    import pyoxigraph as ox

    from peerkg.loaders import load_entry
    from peerkg.validation import validate_entry

    target = ox.Store.read_only(store)
    loaded = [load_entry(p) for p in sorted(Path(entries).glob("*.yaml"))]
    times = [_timed(lambda e=e: validate_entry(e, [target]))[0] for e in loaded]
    _emit(seconds=statistics.median(times[1:]), cold=times[0])


def work_build(store: str, release: str) -> None:
    """`build` of the curated graph in process, each phase timed from its progress lines."""
    from peerkg.commands.build import build

    marks: list[tuple[str, float]] = []
    cpu = time.process_time()
    started = time.perf_counter()
    summary = build(Path(store), Path(release), progress=lambda line: marks.append((line, time.perf_counter())))
    ended = time.perf_counter()
    cpu = time.process_time() - cpu
    phases: dict[str, float] = {}
    points = [*marks, ("end", ended)]
    for (line, at), (_, after) in itertools.pairwise(points):
        key = line.split(" ")[0] if not line.startswith("loading entries") else "loading"
        phases[key] = phases.get(key, 0.0) + after - at
    _emit(seconds=ended - started, size=summary.counts["triples"], phases=phases, cpu=cpu)


def work_export(store: str) -> None:
    """Each export format of the store beside the store's own N-Quads dump."""
    import pyoxigraph as ox

    from peerkg.commands.export import export_store

    target = ox.Store.read_only(store)
    dump, _ = _timed(lambda: target.dump(format=ox.RdfFormat.N_QUADS))
    for fmt in ("ttl", "nt", "jsonld", "trig"):
        seconds, _ = _timed(lambda f=fmt: export_store(Path(store), f))
        _emit(name=fmt, seconds=seconds, reference=dump)


WORKERS: dict[str, Callable[..., None]] = {
    "bulk": work_bulk, "load": work_load, "validate-full": work_validate_full, "release": work_release,
    "query": work_query, "rdflib-queries": work_rdflib_queries, "entry-warm": work_entry_warm,
    "build": work_build, "export": work_export,
}


# -- the parent: runs the workers with a time limit, collects rows --------------------------------------

@dataclass
class Row:
    section: str
    what: str
    scale: str
    seconds: float | None = None       # None: not measured; inf: stopped at the time limit
    reference: float | None = None
    rdflib: float | None = None
    size: int | None = None
    growth: float | None = None
    peak_mb: float | None = None
    note: str = ""
    limit: float | None = None  # the time limit of a step stopped there (shown as >limit)


def run_worker(name: str, *args: str, timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """The JSON lines a worker printed, and whether it finished before `timeout` seconds."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, __file__, "--worker", name, *args], stdout=out,
                                   stderr=subprocess.PIPE, text=True, env=env)
        try:
            _, err = process.communicate(timeout=timeout)
            finished = process.returncode == 0
            if not finished:
                sys.stderr.write(f"worker {name} failed:\n{err[-2000:]}\n")
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            finished = False
        out.seek(0)
        lines = [json.loads(line) for line in out if line.startswith("{")]
    return lines, finished


CPU: dict[str, tuple[float, float]] = {}  # command line -> (CPU s, user + system; peak MB) of its best run


def wall(command: list[str], repeat: int = 3, cwd: Path | None = None) -> float:
    """The best wall-clock seconds of `command` in a fresh process over `repeat` runs; that run's CPU seconds
    (user and system: on a shared machine the wall time also holds the wait for a core) and peak memory kept
    in CPU, read from the process's own resource usage (os.wait4)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
        assert process.stderr is not None
        err = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command, stderr=err)
        if seconds < best:
            best = seconds
            CPU[" ".join(command)] = (usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    return best


def fresh(section: str, what: str, scale: str, command: list[str], repeat: int = 3, note: str = "") -> Row:
    """A row for `command` run in a fresh process: best wall time, its peak memory, its CPU time in the note;
    a command that fails gets a row saying so (its exit code and last line), and the run goes on."""
    try:
        seconds = wall(command, repeat)
    except subprocess.CalledProcessError as failed:
        last = (failed.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return Row(section, what, scale, note=f"FAILED, exit {failed.returncode}: {last[0][:200]}")
    cpu, peak = CPU[" ".join(command)]
    return Row(section, what, scale, seconds, peak_mb=peak,
               note=f"{note}; cpu {cpu:.2f}s" if note else f"cpu {cpu:.2f}s")


def peerkg_command() -> list[str]:
    return [sys.executable, "-m", "peerkg.cli"]


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def measure(scales: list[int], timeout: float, work: Path, serve_seconds: float = 5.0,
            only: frozenset[str] = frozenset()) -> list[Row]:
    """Every row of the table (the stored queries named in `only`, or all of them)."""
    from generate import UMBRELLA, write_new_entries, write_scaled

    from peerkg.queries.catalogue import stored_queries

    rows: list[Row] = []
    peerkg = peerkg_command()

    log("start-up")
    for what, command in (("python -c 'import peerkg'", [sys.executable, "-c", "import peerkg"]),
                          ("peerkg --help", [*peerkg, "--help"])):
        rows.append(fresh("start-up", what, "-", command))

    log("curated build")
    curated = work / "curated"
    lines, _ = run_worker("build", str(curated / "store"), str(curated / "release"), timeout=timeout)
    if lines:
        line = lines[0]
        phases = line["phases"]
        rows.append(Row("build", "peerkg build, curated (in process)", "curated", line["seconds"],
                        size=line["size"], peak_mb=line["peak_mb"],
                        note=", ".join(f"{k} {v:.2f}s" for k, v in phases.items())
                        + (f"; cpu {line['cpu']:.2f}s" if "cpu" in line else "")))
    again = [*peerkg, "--quiet", "build", "--store", str(curated / "store2"), "--release", str(curated / "release2")]
    rows.append(fresh("build", "peerkg build, curated (fresh process)", "curated", again, repeat=1))
    rows.append(fresh("build", "peerkg build, curated, graph unchanged since the last build (fresh process)",
                      "curated", again, note="the last build's validation stands (same fingerprint)"))
    rows.append(fresh("start-up", "peerkg query counts", "curated",
                      [*peerkg, "query", "counts", "--store", str(curated / "store")]))
    log("reason")
    rows.append(reason_row(curated / "store", timeout))
    lines, _ = run_worker("export", str(curated / "store"), timeout=timeout)
    for line in lines:
        rows.append(Row("export", f"export --format {line['name']}", "curated", line["seconds"],
                        line["reference"], peak_mb=line["peak_mb"], note="reference: the store's N-Quads dump"))

    # the umbrella review of the scaled graph's first copy, which every scale holds: the new entries are
    # included in it, and the stored queries run with it where they would run with cooper-2024
    umbrella = f"{UMBRELLA}-c0"
    new_entries = write_new_entries(work / "new", 6, umbrella=umbrella)
    query_rows: dict[tuple[str, int], Row] = {}
    full_validation: dict[int, float] = {}
    for scale in scales:
        folder = work / f"{scale}x"
        folder.mkdir(parents=True, exist_ok=True)
        nquads = folder / "graph.nq"
        log(f"{scale}x: generating")
        seconds, quads = _timed(lambda n=nquads, s=scale: write_scaled(n, s))
        rows.append(Row("build", "generate the N-Quads (benchmarks/generate.py)", f"{scale}x", seconds, size=quads))
        log(f"{scale}x: bulk load (floor)")
        floor, _ = run_worker("bulk", str(nquads), str(folder / "floor"), timeout=max(timeout, LOAD_LIMIT))
        shutil.rmtree(folder / "floor", ignore_errors=True)
        log(f"{scale}x: load through peerkg")
        store = folder / "store"
        loaded, ok = run_worker("load", str(nquads), str(store), timeout=max(timeout, LOAD_LIMIT))
        row = Row("build", "load (peerkg, streaming)", f"{scale}x", **_cells(loaded, ok, max(timeout, LOAD_LIMIT)))
        if floor:
            row.reference = floor[0]["seconds"]
            row.note = f"reference: pyoxigraph bulk_load, peak {floor[0]['peak_mb']:.0f} MB"
        rows.append(row)
        if loaded:
            rows.append(Row("build", "derive the conclusions (queries/rules/conclusions.rq)", f"{scale}x",
                            loaded[0]["conclusions"], note="as build, add and remove do"))
        if not ok:
            log(f"{scale}x: the store could not be loaded within the time limit; the rest of this scale is skipped")
            continue
        if scale in FULL_VALIDATION_SCALES:
            log(f"{scale}x: full validation")
            limit = timeout if scale < 100 else min(timeout, FULL_VALIDATION_LIMIT)
            lines, ok = run_worker("validate-full", str(nquads), timeout=limit)
            rows.append(Row("build", "full validation (pySHACL, whole graph)", f"{scale}x",
                            **_cells(lines, ok, limit)))
            if ok:
                full_validation[scale] = lines[0]["seconds"]
        if scale in RELEASE_SCALES:
            log(f"{scale}x: release files")
            lines, ok = run_worker("release", str(nquads), str(folder / "release"), timeout=timeout)
            rows.append(Row("build", "release files (4 formats)", f"{scale}x", **_cells(lines, ok, timeout)))
        for name in stored_queries():
            if only and name not in only:
                continue
            log(f"{scale}x: query {name}")
            variants = len(query_params(name, umbrella)) if scale < LARGE else 1
            lines, ok = run_worker("query", str(store), name, umbrella, str(variants),
                                   timeout=timeout if scale < LARGE else QUERY_LIMIT_LARGE)
            runs = zip(query_params(name, umbrella), query_labels(name, umbrella), strict=True)
            for params, label in itertools.islice(runs, variants):
                line = next((x for x in lines if x["params"] == params), None)
                limit = timeout if scale < LARGE else QUERY_LIMIT_LARGE
                row = Row("query", label, f"{scale}x", **_cells([line] if line else [], ok, limit))
                if line:
                    row.reference = line["reference"]
                query_rows[(label, scale)] = row
        if scale in RDFLIB_SCALES:
            log(f"{scale}x: rdflib")
            lines, _ = run_worker("rdflib-queries", str(nquads), umbrella, str(RDFLIB_LIMIT), str(RDFLIB_BUDGET),
                                  timeout=RDFLIB_BUDGET + 600)
            for line in lines:
                if (line["name"], scale) in query_rows:
                    query_rows[(line["name"], scale)].rdflib = line["seconds"]
            for row in (query_rows.get((n, scale)) for n in stored_queries()):
                if row is not None and row.rdflib is None:
                    row.rdflib = float("inf")
        log(f"{scale}x: new entry")
        rows.append(fresh("entry", "peerkg validate (fresh process)", f"{scale}x",
                          [*peerkg, "--quiet", "validate", str(new_entries[0]), "--store", str(store)]))
        lines, ok = run_worker("entry-warm", str(store), str(work / "new"), timeout=timeout)
        warm = Row("entry", "validate warm (incremental, in process)", f"{scale}x", **_cells(lines, ok, timeout))
        if lines:
            warm.note = f"first call {lines[0]['cold']:.2f}s"
            if scale in full_validation:
                warm.reference = full_validation[scale]
                warm.note += "; reference: full validation"
        rows.append(warm)
        rows.append(fresh("entry", "peerkg add (fresh process)", f"{scale}x",
                          [*peerkg, "--quiet", "add", str(new_entries[-1]), "--store", str(store)], repeat=1))
        shutil.rmtree(store, ignore_errors=True)
        nquads.unlink()
    for label in (label for name in stored_queries() for label in query_labels(name, umbrella)):
        for scale in scales:
            row = query_rows.get((label, scale))
            if row is None:
                continue
            if scale == 1000 and (label, 100) in query_rows:
                before = query_rows[(label, 100)].seconds
                if before and row.seconds and before != float("inf"):
                    # a query stopped at its limit grew at least limit / before (shown as >Nx)
                    row.growth = (row.seconds if row.seconds != float("inf") else -(row.limit or 0)) / before
            rows.append(row)
    rows.extend(serve_rows(work, serve_seconds))
    return rows


def reason_row(store: Path, timeout: float) -> Row:
    """`peerkg reason` (HermiT through owlready2 and Java) on the curated store, in a fresh process: its
    seconds and the progress lines it wrote."""
    command = [*peerkg_command(), "reason", "--store", str(store)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=max(timeout, 120))
    except subprocess.TimeoutExpired:
        return Row("reason", "peerkg reason, curated (fresh process)", "curated", float("inf"))
    seconds = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    note = f"exit {done.returncode}; {len(lines)} progress line(s) on stderr"
    return Row("reason", "peerkg reason, curated (fresh process)", "curated", seconds, note=note)


def serve_rows(work: Path, seconds: float = 5.0) -> list[Row]:
    """`peerkg serve` on the curated graph: every stored query over HTTP (benchmarks/serve_speed.py) with 1
    and 20 clients for `seconds` each; the row's seconds are the p50 latency, the note p95 and throughput."""
    sys.path.insert(0, str(REPO / "tests"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from serve_speed import load
    from servers import peerkg_serve

    from peerkg.commands.build import build

    store = work / "serve-store"
    build(store, None)
    rows = []
    with peerkg_serve(store) as (base, _):
        load(base, 2, 1.0)  # warm up the workers
        for clients in (1, 20):
            stats = load(base, clients, seconds)
            rows.append(Row("serve", f"stored queries over HTTP, {clients} client(s)", "1x",
                            stats.percentile(50), size=len(stats.latencies),
                            note=f"p50; p95 {stats.percentile(95) * 1000:.0f} ms; "
                                 f"{len(stats.latencies) / stats.seconds:.1f} requests/s; "
                                 f"{len(stats.failures)} failed"))
    shutil.rmtree(store, ignore_errors=True)
    return rows


def _cells(lines: list[dict[str, Any]], finished: bool, timeout: float) -> dict[str, Any]:
    if not lines:
        return {"seconds": float("inf") if not finished else None, "limit": timeout,
                "note": "stopped at the time limit" if not finished else ""}
    line = lines[0]
    return {"seconds": line["seconds"], "size": line.get("size"), "peak_mb": line.get("peak_mb"),
            "note": line.get("note", "")}


def _seconds(value: float | None, timeout: float) -> str:
    if value is None:
        return ""
    if value == float("inf"):
        return f">{timeout:.0f}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def table(rows: list[Row], timeout: float) -> str:
    """The rows as one Markdown table."""
    head = ["section", "what", "scale", "peerkg s", "reference s", "ratio", "rdflib s", "rows/quads",
            "growth 100x->1000x", "peak MB", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ratio = ""
        if r.seconds not in (None, float("inf")) and r.reference not in (None, float("inf"), 0):
            assert r.seconds is not None and r.reference is not None
            ratio = (f"{r.seconds / r.reference:.2f}" if r.section != "entry"
                     else f"{r.reference / r.seconds:,.0f}x faster")
        if r.section == "build" and r.size and r.seconds not in (None, float("inf"), 0):
            assert r.seconds is not None
            r.note = (r.note + "; " if r.note else "") + f"{r.size / r.seconds:,.0f} quads/s"
        cells = [r.section, r.what, r.scale, _seconds(r.seconds, r.limit or timeout),
                 _seconds(r.reference, timeout), ratio,
                 _seconds(r.rdflib, RDFLIB_LIMIT), f"{r.size:,}" if r.size is not None else "",
                 "" if r.growth is None else f"{r.growth:.1f}x" if r.growth >= 0 else f">{-r.growth:.0f}x",
                 f"{r.peak_mb:,.0f}" if r.peak_mb is not None else "", r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, "
            f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        WORKERS[sys.argv[2]](*sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve-seconds", type=float, default=5.0,
                        help="how long the HTTP clients of the serve rows run, each (default 5)")
    parser.add_argument("--scales", default="1,100,1000", help="comma-separated scales (default 1,100,1000)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds after which a step is stopped and shown as >T (default 60; on rdflib each "
                             "query gets 10 s, all of them 60 s)")
    parser.add_argument("--queries", default="",
                        help="comma-separated stored queries to time (default: every stored query)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for stores and files (default: a temporary one)")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        rows = measure(scales, args.timeout, Path(tmp), args.serve_seconds,
                       frozenset(q for q in args.queries.split(",") if q.strip()))
    print(table(rows, args.timeout))
    print(f"{machine()}; whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
