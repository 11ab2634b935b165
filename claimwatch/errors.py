"""How the CLI says what went wrong in one line (which errors are retried is flows.retry.is_transient)."""

from __future__ import annotations

import duckdb


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, prefixed by its type when the message alone is unclear."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, duckdb.Error):
        return f"database error: {text}"
    return text or type(exc).__name__
