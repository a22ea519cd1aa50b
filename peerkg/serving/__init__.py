"""Serving the graph: a read-only SPARQL endpoint with a query page (`peerkg serve`), and pushing the built
graph to a triple store through the Graph Store HTTP Protocol (`peerkg push`).

Modules: `sparqltext` (lexical guards: updates, SERVICE), `formats` (media types and content negotiation),
`worker` (a subprocess that answers one query at a time on the read-only store), `pool` (the workers, with
the time and size limits), `endpoint` (the HTTP server: protocol, page, stored queries, OpenAPI), `push`.
"""
