"""The retry condition of network tasks: retry what may go away, nothing else.

Transient: timeouts, refused or reset connections, HTTP 5xx and 429 — a later attempt may succeed.
Everything else (a bad setting, a missing or unreadable file, a file that is not a DuckDB database, an SQL
error, a bug) fails at once: retrying it only makes the user wait out the delays for the same error.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_transient(exc: BaseException) -> bool:
    """True if the error may go away on its own: a timeout, a connection failure, HTTP 5xx or 429."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in TRANSIENT_STATUSES
    if isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return True
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    if getattr(exc, "transient", False) is True:  # e.g. SyncError after a network source failed
        return True
    cause = exc.__cause__
    return cause is not None and cause is not exc and is_transient(cause)



def retry_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect `retry_condition_fn`: True only when the task failed with a transient error.

    A configuration, file or database error fails the task at once instead of waiting out the retry delays.
    """
    try:
        state.result()
    except Exception as exc:
        transient = is_transient(exc)
        if not transient:
            log.info("not retrying %s: %s is not transient", getattr(_task, "name", "task"), type(exc).__name__)
        return transient
    return False
