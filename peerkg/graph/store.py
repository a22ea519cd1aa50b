"""The embedded store: a persistent pyoxigraph store with one named graph per artifact and per entry.

Everything that touches a store goes through here: where it is, opening it (for writing, or read-only so a
reader never waits for a writer), writing quads in one transaction, replacing it whole, dumping it, and
turning its terms into rdflib terms. The named graphs are listed in `peerkg.namespaces` (`graph_name`).

One lock for every writer. Two locks guard a store folder, and every writer takes them in this order:
1. peerkg's writer lock, an advisory `flock` on the file `<folder>.lock` beside the folder (it must sit
   outside, because `build` swaps the folder), holding the writer's process id. `add`, `build` and
   `reason --into-store` take it for their whole run, so a build never loses an add made while it loaded.
2. RocksDB's own lock (a POSIX lock on `<folder>/LOCK`), which `oxigraph serve` also takes: a writer opens
   the store read-write, so it cannot write while a server holds the folder, and `build` keeps the old
   store open until the new folder is in place, so no server can open the old one in between.
Both are waited for briefly (`PEERKG_LOCK_WAIT` seconds, default 10), then refused with "the store ... is in
use by process N". `build` also refuses to swap a folder that another process has open read-only (as
`oxigraph serve-read-only` does, without any lock), found through /proc on Linux. Readers (`export`,
`query`, `sparql`, `validate`) open the store read-only and take no lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import gc
import os
import re
import shutil
import struct
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from peerkg.errors import StoreError
from peerkg.namespaces import entry_graph_name
from peerkg.turtle import rdflib_term

DEFAULT_DIR = Path(".peerkg")

Store = ox.Store


def default_store_path() -> Path:
    """`$PEERKG_STORE`, else `.peerkg/store` in the current folder."""
    return Path(os.environ.get("PEERKG_STORE", DEFAULT_DIR / "store"))


def exists(path: Path) -> bool:
    """Whether a built store is at `path` (RocksDB writes its CURRENT file first)."""
    return (path / "CURRENT").exists()


REBUILD_HINT = "rebuild it with `peerkg build --store {path}` (entries added since the build must be added again)"


def lock_wait_seconds() -> float:
    """How long a writer waits for a store held by another process: `$PEERKG_LOCK_WAIT`, default 10 s."""
    try:
        return max(0.0, float(os.environ.get("PEERKG_LOCK_WAIT", "10")))
    except ValueError:
        return 10.0


def _damaged(path: Path, exc: BaseException) -> StoreError:
    return StoreError(f"the store at {path} is damaged or unreadable ({str(exc).splitlines()[0][:300]}): "
                      + REBUILD_HINT.format(path=path))


def _is_lock_error(exc: OSError) -> bool:
    text = str(exc)
    return "LOCK" in text and ("lock" in text.lower() or "unavailable" in text.lower())


def rocksdb_lock_holder(path: Path) -> int | None:
    """The id of the process holding RocksDB's lock on the store folder (`oxigraph serve`, a peerkg writer),
    asked of the kernel (F_GETLK on `<folder>/LOCK`); None when no other process holds it."""
    try:
        fd = os.open(path / "LOCK", os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid (pid_t)
        query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    except OSError:
        return None
    finally:
        os.close(fd)
    return answer[4] if answer[0] != fcntl.F_UNLCK and answer[4] > 0 else None


def readers_of(path: Path) -> list[int]:
    """Other processes that have a file of the store folder open (e.g. `oxigraph serve-read-only`, which takes
    no lock), found in /proc/PID/fd; empty where /proc is not available or the processes are not ours."""
    folder = str(Path(path).resolve()) + os.sep
    found: list[int] = []
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(folder):
                found.append(pid)
                break
    return found


def in_use(path: Path, pid: int | None) -> StoreError:
    """The error of a store that another process holds."""
    who = f"process {pid}" if pid else "another process"
    return StoreError(f"the store at {path} is in use by {who}; try again when it has finished "
                      f"(waited {lock_wait_seconds():g} s; set PEERKG_LOCK_WAIT to wait longer)")


def _lock_file(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def writer_lock(path: Path | None = None) -> Iterator[None]:
    """peerkg's writer lock on the store at `path` (an flock on `<folder>.lock`, with the holder's process id
    in it), held for the block. Waits up to `lock_wait_seconds()`; raises StoreError naming the process that
    holds it. Re-entrant within one process (a nested writer_lock on the same store is a no-op)."""
    path = Path(path) if path is not None else default_store_path()
    key = str(path.resolve())
    if key in _held:
        yield
        return
    lock = _lock_file(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + lock_wait_seconds()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise StoreError(f"cannot lock the store at {path}: {exc.strerror}") from None
                if time.monotonic() >= deadline:
                    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise in_use(path, int(text) if text.isdigit() else None) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


_held: set[str] = set()


def open_store(path: Path | None = None, *, read_only: bool = False) -> ox.Store:
    """The store at `path` (default: `default_store_path()`). Read-only opens take no lock, so they work
    while another process writes. A read-write open waits up to `lock_wait_seconds()` for a store another
    process holds (RocksDB's lock, as `oxigraph serve` holds it). Raises StoreError when there is no store
    there, it is in use ("in use by process N"), or it is damaged (naming the store and how to rebuild it)."""
    path = Path(path) if path is not None else default_store_path()
    if not exists(path):
        raise StoreError(f"no store at {path}: run `peerkg build` first (or pass --store)")
    deadline = time.monotonic() + lock_wait_seconds()
    while True:
        try:
            return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            if read_only or not isinstance(exc, OSError) or not _is_lock_error(exc):
                if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EACCES:
                    raise StoreError(f"cannot open the store at {path}: {exc}") from None
                raise _damaged(path, exc) from None
            if time.monotonic() >= deadline:
                raise in_use(path, rocksdb_lock_holder(path)) from None
            time.sleep(0.1)


def memory_store(nquads: str = "") -> ox.Store:
    """An in-memory store holding `nquads` (e.g. a batch of entries validated together)."""
    store = ox.Store()
    if nquads:
        store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def to_nquads(graphs: Iterable[tuple[str, Graph]]) -> str:
    """N-Quads of rdflib graphs, each in its named graph (an IRI), lines sorted and unique so the same input
    gives the same bytes; blank nodes get canonical labels (RDFC-style hashing), keeping OWL lists stable."""
    lines: list[str] = []
    for name, graph in graphs:
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            graph = Graph() + to_canonical_graph(graph)
        # rdflib's N-Triples writer escapes \n and \r only: split on \n alone (str.splitlines would also break
        # at U+2028, U+0085, form feed... inside a literal), and escape those as \\uXXXX so no reader splits
        for line in graph.serialize(format="nt").split("\n"):
            if line.strip():
                lines.append(f"{escape_line_breaks(line.rstrip()[:-1].rstrip())} <{name}> .")
    return "\n".join(sorted(set(lines))) + "\n"


# Every character other than \n that some line splitter treats as a line end (str.splitlines: VT, FF, FS, GS,
# RS, NEL, LS, PS; and CR).
_BREAK_CHARACTERS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS = re.compile(f"[{_BREAK_CHARACTERS}]")


def escape_line_breaks(line: str) -> str:
    """One N-Triples/N-Quads line with every line-breaking character other than \\n written as a \\uXXXX escape
    (valid in IRIs and literals alike), so that no reader can split the line in two."""
    if not any(c in line for c in _BREAK_CHARACTERS):  # nine scans in C: a tenth of the regex on a whole dump
        return line
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04X}", line)


def add_nquads(store: ox.Store, nquads: str) -> None:
    """Adds quads in one transaction: all of them or, on any failure, none. Raises StoreError."""
    try:
        store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        raise StoreError(f"the store was not changed: {exc}") from None


def bulk_add_nquads(store: ox.Store, nquads: str) -> None:
    """Adds quads with pyoxigraph's bulk loader (about half the time of `add_nquads` on a store on disk). Not
    a transaction: use it on a fresh store inside `replaced_store`, which only keeps the store when the block
    finished. Raises StoreError."""
    try:
        store.bulk_load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        raise StoreError(f"the store was not changed: {exc}") from None


def load_file(store: ox.Store, path: Path) -> None:
    """Loads an N-Quads file into a fresh store with pyoxigraph's bulk loader, streaming from the file (the
    graph is never held in Python objects). Not a transaction: use it inside `replaced_store`, which only
    keeps the store when the load finished. Raises StoreError when the file cannot be read or parsed."""
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, ValueError, SyntaxError) as exc:
        raise StoreError(f"could not load {path}: {exc}") from None


def dump_nquads_bytes(store: ox.Store, path: Path | None = None) -> bytes:
    """The whole store as N-Quads in UTF-8 (Oxigraph's serialiser). Raises StoreError, naming the store at
    `path` and how to rebuild it, when the store is damaged."""
    try:
        data = store.dump(format=ox.RdfFormat.N_QUADS)
    except (OSError, RuntimeError) as exc:
        raise _damaged(path or default_store_path(), exc) from None
    return data or b""


def dump_nquads(store: ox.Store, path: Path | None = None) -> str:
    """The whole store as N-Quads text (Oxigraph's serialiser). Raises StoreError, naming the store at `path`
    and how to rebuild it, when the store is damaged."""
    return dump_nquads_bytes(store, path).decode("utf-8")


def sorted_nquads(store: ox.Store, path: Path | None = None) -> str:
    """The whole store as N-Quads, lines sorted: the byte-for-byte fingerprint of its content. Raises
    StoreError (naming the store at `path`) when it is damaged."""
    # Oxigraph leaves U+2028, U+0085 and the like unescaped: split on \n alone, the only line end it writes
    lines = sorted(escape_line_breaks(line) for line in dump_nquads(store, path).split("\n") if line)
    return "\n".join(lines) + "\n"


def graph_of(store: ox.Store, name: str) -> Graph:
    """One named graph of the store as an rdflib graph (empty if the store has no such graph)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
    return Graph().parse(data=data or b"", format="nt")


def graph_names(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))


_RENAME_EXCHANGE = 2


class _Handle:
    """The new store of `replaced_store`, lent to the caller: `close` drops the only reference to the
    pyoxigraph store (which has no close method), so RocksDB closes it before its folder is renamed; a
    caller's variable keeps only this handle."""

    def __init__(self, store: ox.Store, folder: Path):
        self._store: ox.Store | None = store
        self.folder = folder

    def __getattr__(self, name: str) -> Any:
        if self._store is None:
            raise StoreError("the new store was used after it replaced the old one")
        return getattr(self._store, name)

    def __len__(self) -> int:  # dunder methods bypass __getattr__
        return len(self._live())

    def _live(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the new store was used after it replaced the old one")
        return self._store

    def close(self) -> None:
        self._store = None
        gc.collect()  # rdflib's parsers leave reference cycles that may hold query answers of the store


def filling_folder(store: ox.Store) -> Path:
    """The folder of a store lent by `replaced_store`: where files that must come and go with the store (as
    build's validation fingerprint) are written before it takes the old store's place."""
    folder = getattr(store, "folder", None)
    if not isinstance(folder, Path):
        raise StoreError("not a store lent by replaced_store")
    return folder


def _closed(folder: Path) -> None:
    """Checks that no handle of this process still has the store in `folder` open (RocksDB would go on
    writing into whatever folder then bears that name): it must open read-write once more."""
    try:
        probe = ox.Store(str(folder))
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"the new store at {folder} is still open in this process; the old store was kept "
                         f"({exc})") from None
    probe.flush()
    del probe


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE), so that a reader never finds
    the store missing; False where the system cannot, and the caller renames twice instead."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0)


@contextmanager
def replaced_store(path: Path) -> Iterator[ox.Store]:
    """A fresh store that replaces the one at `path` only if the block finishes without error.

    Holds the writer lock for the whole block and, when a store is already there, RocksDB's lock on it (the
    old store stays open until the new folder has taken its place), so no `add`, no other `build` and no
    `oxigraph serve` can write the old folder meanwhile. Refuses (StoreError "in use by process N") when
    another process holds either lock, or has the old folder open read-only, after waiting
    `lock_wait_seconds()`. The swap is one atomic exchange of folders where the system allows it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    old = path.with_name(path.name + ".old")
    with writer_lock(path):
        held = _hold_rocksdb_lock(path) if exists(path) else None
        try:
            deadline = time.monotonic() + lock_wait_seconds()
            while held is not None and (readers := readers_of(path)):
                if time.monotonic() >= deadline:
                    raise in_use(path, readers[0])
                time.sleep(0.2)
            for leftover in (fresh, old):
                if leftover.exists():
                    shutil.rmtree(leftover)
            handle = _Handle(ox.Store(str(fresh)), fresh)
            try:
                yield cast(ox.Store, handle)
                handle.flush()
            except BaseException:
                handle.close()
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            handle.close()
            _closed(fresh)
            if path.exists():
                if _exchange(fresh, path):
                    fresh.rename(old)
                else:
                    path.rename(old)
                    fresh.rename(path)
            else:
                fresh.rename(path)
        finally:
            if held is not None:
                os.close(held)  # releases the lock on the old folder's LOCK file, now renamed
        if old.exists():
            shutil.rmtree(old)


def _hold_rocksdb_lock(path: Path) -> int:
    """Takes RocksDB's own lock on the store folder (a POSIX lock on `<folder>/LOCK`, as `oxigraph serve`
    and every read-write open take it) without opening the store, so that no database handle of this process
    is left to write into the folder by name after it has been swapped. Waits up to `lock_wait_seconds()`;
    raises StoreError naming the holder. Returns the descriptor; closing it releases the lock."""
    fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + lock_wait_seconds()
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                os.close(fd)
                raise StoreError(f"cannot lock the store at {path}: {exc.strerror}") from None
            if time.monotonic() >= deadline:
                holder = rocksdb_lock_holder(path)
                os.close(fd)
                raise in_use(path, holder) from None
            time.sleep(0.1)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None,
              ) -> URIRef | BNode | Literal | None:
    """A pyoxigraph term as the rdflib term with the same RDF meaning (peerkg.turtle.rdflib_term): a literal
    keeps its lexical form as stored, a blank node its label. Raises StoreError for RDF-star triples, which
    peerkg never stores."""
    if term is None:
        return None
    try:
        return rdflib_term(term, lambda node: BNode(node.value), normalize=False)
    except TypeError:
        raise StoreError(f"unsupported term in the store: {term!r}") from None


def holds_entry(store: ox.Store, entry_id: str, subject: str) -> bool:
    """Whether the store holds an entry with this id: its named graph, or any triple about its subject."""
    ask = (f"ASK {{ {{ GRAPH <{entry_graph_name(entry_id)}> {{ ?s ?p ?o }} }} "
           f"UNION {{ <{subject}> ?p ?o }} }}")
    return bool(store.query(ask, use_default_graph_as_union=True))


def document_iris(store: ox.Store, document_id: str) -> list[str]:
    """The IRIs of the source documents with id `document_id` (`.../document/<id>`) the store holds."""
    query = ("SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/peerkg/SourceDocument> "
             f"FILTER(STRENDS(STR(?d), \"/document/{document_id}\")) }}")
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return [row[0].value for row in rows]
