"""The output formats of query results, apart from peerkg.results so the CLI names them without importing rdflib."""

FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "markdown")
