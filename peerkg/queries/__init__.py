"""The stored queries of queries/: their catalogue (`catalogue`), checked parameters (`params`), running them
on the store or an endpoint (`run`) and their results (`results`).

From Python: `peerkg.queries.rows("findings")` gives a stored query's rows as plain dictionaries;
`query`, `sparql` and `dataframe` are here too (imported on first use, so `import peerkg.queries` is cheap).
"""

from __future__ import annotations

from typing import Any

__all__ = ["dataframe", "query", "rows", "sparql"]


def __getattr__(name: str) -> Any:
    # the running functions pull in pyoxigraph and rdflib: load them only when asked for
    if name in __all__:
        from peerkg.queries import run

        return getattr(run, name)
    raise AttributeError(f"module 'peerkg.queries' has no attribute {name!r}")
