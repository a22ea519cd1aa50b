"""Progress reports of long commands: a callback that takes one short line, e.g. "loading entries 3/36".

Library functions take a `Progress` and call it as they go; the command line decides how to show it.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """The progress callback that shows nothing (the default of every library function)."""
