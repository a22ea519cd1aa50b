"""Lexical guards on SPARQL text, applied before a query reaches the engine.

This is no parser: it splits the text into SPARQL's tokens only far enough to know what is a comment, a
string or an IRI, so that a keyword is recognised only where the grammar can read it as one. It answers two
questions the engine cannot be told to refuse by itself: is this an update (this endpoint is read-only), and
does it use SERVICE (Oxigraph would call the remote endpoint: this one never reaches out).
"""

from __future__ import annotations

import re

# SPARQL applies \u and \U escapes to the whole query text before parsing (SPARQL 1.1 §19.2)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_NAME = re.compile(r"[A-Za-z0-9_\-]*(?::[^\s{}()<>\[\];,'\"#]*)?")
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]*(?::[^\s{}()<>\[\];,'\"#]*)?")
_STRING_END = {"'''": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S),
               '"""': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
               "'": re.compile(r"'(?:[^'\\\n\r]|\\.)*'"),
               '"': re.compile(r'"(?:[^"\\\n\r]|\\.)*"')}
UPDATE_KEYWORDS = frozenset({"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"})
PROLOGUE_KEYWORDS = frozenset({"prefix", "base"})


def _unescape(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(char, text)


def keywords(text: str) -> list[str]:
    """The bare words of the query in order, lower-cased: not inside comments, strings or IRIs, and not
    variables (`?x`, `$x`) or prefixed names (`pk:Review`, whose parts are skipped)."""
    text = _unescape(text)
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else c
            match = _STRING_END[quote].match(text, i)
            i = match.end() if match else n
        elif c == "<":
            match = _IRI.match(text, i)
            i = match.end() if match else i + 1
        elif c in "?$@:":
            # a variable, a language tag, or a name with the empty prefix: never a keyword
            match = _NAME.match(text, i + 1)
            i = match.end() if match and match.end() > i + 1 else i + 1
        elif c.isalpha() or c == "_":
            match = _TOKEN.match(text, i)
            assert match is not None
            token = match.group(0)
            i = match.end()
            if ":" not in token:
                words.append(token.rstrip(".").lower())
        else:
            i += 1
    return words


def is_update(text: str) -> bool:
    """True when the first word after the prologue (PREFIX, BASE) starts a SPARQL Update operation."""
    words = keywords(text)
    index = 0
    while index < len(words) and words[index] in PROLOGUE_KEYWORDS:
        index += 1  # PREFIX pk: <...> and BASE <...> leave only the keyword among the words
    return index < len(words) and words[index] in UPDATE_KEYWORDS


def uses_service(text: str) -> bool:
    """True when the query holds the SERVICE keyword (a federated query) anywhere the grammar reads one."""
    return "service" in keywords(text)
