"""Errors in the words of the domain: which file, which entry, which field, what is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    message: str
    entry: str = ""
    field: str = ""
    line: int | None = None
    hint: str = ""
    rule: str = ""

    def where(self) -> str:
        place = self.file + (f":{self.line}" if self.line else "")
        parts = [place]
        if self.entry:
            parts.append(f"entry {self.entry}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


class PeerkgError(Exception):
    """Base of all errors peerkg reports without a traceback."""


class InputError(PeerkgError):
    """Input that cannot be read or does not fit the entry format; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(PeerkgError):
    """The store cannot be opened or changed."""


class QueryError(PeerkgError):
    """A query or its parameters cannot be run."""


class EndpointError(PeerkgError):
    """A server cannot be started, or a remote triple store cannot be reached, refuses or disagrees."""
