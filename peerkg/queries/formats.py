"""The output formats of query results, apart from peerkg.queries.results so the CLI names them cheaply."""

FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "markdown")
