"""ISO 8601 timestamps as APIs and feeds write them (a trailing `Z` included), read without raising.

In the lowest layer so that every connector (and, later, the parsers) reads them one way.
"""

from __future__ import annotations

from datetime import datetime


def parse_iso_datetime(value: object) -> datetime | None:
    """Return the datetime an ISO 8601 string names (`Z` read as UTC), or None for anything else.

    >>> parse_iso_datetime("2026-02-14T09:30:00Z").isoformat()
    '2026-02-14T09:30:00+00:00'
    >>> parse_iso_datetime("yesterday") is None, parse_iso_datetime(None) is None
    (True, True)
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
