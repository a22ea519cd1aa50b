"""peerkg: a knowledge graph of the evidence on peer support for mental health."""

__version__ = "0.1.0"
