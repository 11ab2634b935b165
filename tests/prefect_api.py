"""A Prefect test API for modules that run flows (each start costs seconds, so one per module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[None]:
    """Run the module's flows against a throwaway local Prefect server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_pipeline(sources: object, db: object, *, outcomes: bool = False) -> dict:
    """Run the `pipeline` flow (by default without the release sync and resolve steps); return its counts."""
    from flows.pipeline import pipeline

    return pipeline(sources=str(sources), db=str(db), sync=outcomes, resolve=outcomes)
