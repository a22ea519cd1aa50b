"""The OpenAPI document of the stored queries (in the spirit of grlc): one GET operation per query of
queries/, its `#+` parameters as query-string parameters, with their declared types and defaults."""

from __future__ import annotations

from typing import Any

from peerkg.serving.formats import GRAPH_TYPES, SOLUTION_TYPES

SCHEMAS: dict[str, dict[str, str]] = {
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "iri": {"type": "string", "format": "uri"},
}
TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "decimal": "a decimal number",
    "boolean": "true or false",
    "iri": "an absolute IRI",
    "entry": "an entry id (e.g. chien-2019) or its IRI",
}


def _typed(kind: str, default: str) -> Any:
    """A default as the JSON value its schema type asks for (the header gives it as text)."""
    try:
        if kind == "integer":
            return int(default)
        if kind == "decimal":
            return float(default)
    except ValueError:
        return default
    if kind == "boolean":
        return default.strip().lower() == "true"
    return default


def _parameter(param: Any) -> dict[str, Any]:
    scheme = param.scheme
    kind = f"a concept of the {scheme} vocabulary: its label, slug or IRI" if scheme else TYPE_WORDS[param.type]
    schema: dict[str, Any] = dict(SCHEMAS.get(param.type, {"type": "string"}))
    if not param.optional:
        schema["default"] = _typed(param.type, param.default)
    return {"name": param.name, "in": "query", "required": False, "schema": schema,
            "description": f"{param.description} ({kind}; declared type `{param.type}`)".strip(),
            "x-peerkg-type": param.type}


def _content(types: dict[str, str]) -> dict[str, Any]:
    return {media: {} for media in types if media not in ("application/json", "application/xml", "text/plain")}


def openapi_document(queries: dict[str, Any], version: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document as a JSON-ready dict. `queries` maps names to StoredQuery objects
    (peerkg.queries.catalogue: name, summary, description, params of Param with name, type, default, description)."""
    errors = {
        "400": {"description": "a parameter is unknown or does not fit its declared type; the body says why",
                "content": {"text/plain": {}}},
        "406": {"description": "none of the accepted media types fits the result", "content": {"text/plain": {}}},
        "503": {"description": "the query passed the time limit and was stopped, or the server is busy",
                "content": {"text/plain": {}}},
        "507": {"description": "the result passed the size limit", "content": {"text/plain": {}}},
    }
    paths: dict[str, Any] = {}
    for name, query in queries.items():
        paths[f"/queries/{name}"] = {"get": {
            "operationId": name.replace("-", "_"),
            "summary": query.summary,
            "description": query.description or query.summary,
            "tags": list(query.research_questions) or ["other"],
            "parameters": [_parameter(p) for p in query.params.values()],
            "responses": {"200": {"description": "the query's rows, in the format the Accept header asks for",
                                  "content": _content(SOLUTION_TYPES)}, **errors},
        }}
    sparql_params = [
        {"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
         "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates are refused"},
        {"name": "default-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
         "description": "graphs to use as the default graph (by default: the union of every named graph)"},
    ]
    paths["/sparql"] = {"get": {
        "operationId": "sparql",
        "summary": "SPARQL 1.1 Protocol endpoint (read-only); without `query`, its Service Description",
        "parameters": sparql_params,
        "responses": {"200": {"description": "the result", "content": {**_content(SOLUTION_TYPES),
                                                                         **_content(GRAPH_TYPES)}},
                      "403": {"description": "an update: this endpoint is read-only, and refuses SERVICE",
                              "content": {"text/plain": {}}}, **errors},
    }}
    return {
        "openapi": "3.0.3",
        "info": {"title": "peerkg: the stored queries", "version": version,
                 "description": "The stored SPARQL queries of peerkg's queries/ folder, callable by name with "
                 "their parameters, over the read-only graph of the evidence on peer support for mental "
                 "health. Every query reads the union of the named graphs as its default graph."},
        "paths": paths,
    }
