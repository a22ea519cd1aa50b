"""A query worker: a subprocess that answers one query at a time on the read-only store.

The endpoint runs queries here, never in its own process, because a query cannot be interrupted inside
pyoxigraph: a query that passes the time limit is stopped by killing its worker (`pool.py`), and the
endpoint goes on serving with the others. Results are written through a bounded buffer, so a query whose
answer passes the size limit is stopped as soon as it does.

Protocol, on stdin and stdout: the worker writes a ready line; each request is one line of JSON
`{"query", "accept", "max_bytes", "default_graphs", "named_graphs"}`; each answer is one line of JSON
`{"status", "type", "length"}` followed by `length` bytes of body. Only pyoxigraph is imported here.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any, cast

import pyoxigraph as ox

from peerkg.serving.formats import BOOLEAN_TYPES, GRAPH_TYPES, SOLUTION_TYPES, negotiate

TEXT = "text/plain; charset=utf-8"


class TooLarge(Exception):
    """The serialised result passed the size limit."""


class Bounded:
    """A binary sink that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def _graphs(names: list[str] | None) -> Any:
    return None if names is None else [ox.NamedNode(name) for name in names]


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[int, str, bytes]:
    """(HTTP status, media type, body) for one request; errors become 400 (syntax), 406 (no acceptable
    format) or 507 (result past the size limit) with a plain-text reason."""
    default_graphs = _graphs(request.get("default_graphs"))
    try:
        result = store.query(request["query"], use_default_graph_as_union=default_graphs is None,
                             default_graph=default_graphs, named_graphs=_graphs(request.get("named_graphs")))
    except SyntaxError as exc:
        return 400, TEXT, f"the query does not parse: {exc}".encode()
    if isinstance(result, ox.QueryBoolean):
        offered = BOOLEAN_TYPES
    elif isinstance(result, ox.QueryTriples):
        offered = GRAPH_TYPES
    else:
        offered = SOLUTION_TYPES
    media = negotiate(request.get("accept"), offered)
    if media is None:
        return 406, TEXT, ("none of the requested media types fits this result; this one can be sent as "
                           + ", ".join(offered)).encode()
    limit = int(request["max_bytes"])
    sink = Bounded(limit)
    output = cast(IO[bytes], sink)  # pyoxigraph only calls write()
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(output, getattr(ox.RdfFormat, offered[media]))
        else:
            result.serialize(output, getattr(ox.QueryResultsFormat, offered[media]))
    except TooLarge:
        return 507, TEXT, (f"the result is larger than the limit of {limit:,} bytes and was stopped; "
                           "narrow the query (LIMIT, fewer variables)").encode()
    except OSError as exc:
        return 500, TEXT, f"the store could not answer: {exc}".encode()
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    return 200, media + charset, sink.value()


def _send(out: IO[bytes], status: int, media: str, body: bytes) -> None:
    out.write(json.dumps({"status": status, "type": media, "length": len(body)}).encode() + b"\n" + body)
    out.flush()


def _die_with_parent() -> None:
    """On Linux, the kernel kills this worker when the endpoint's process dies, even in the middle of a query
    (an idle worker ends anyway, when its stdin closes)."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def main(argv: list[str]) -> int:
    """Runs the worker on the store folder `argv[0]` until stdin closes."""
    _die_with_parent()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    try:
        store = ox.Store.read_only(argv[0])
    except OSError as exc:
        _send(out, 500, TEXT, f"cannot open the store at {argv[0]}: {exc}".encode())
        return 1
    _send(out, 200, TEXT, b"ready")
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            status, media, body = answer(store, request)
        except (ValueError, KeyError, TypeError) as exc:
            status, media, body = 400, TEXT, f"bad request to the worker: {exc}".encode()
        _send(out, status, media, body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
