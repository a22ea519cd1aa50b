"""The graph: the embedded store and the release files written from it."""
