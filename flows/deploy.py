"""Deployments: what `claimwatch serve` registers with the Prefect API, and their schedules.

Deployment names are `<flow>/claimwatch`, so a user triggers a run with
`prefect deployment run 'pipeline/claimwatch' --param db=data/claims.duckdb`.
Entry points are module paths (flows.pipeline.<fn>), so serving works from any working directory.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect.deployments.runner import EntrypointType
from prefect.schedules import Cron

from config.settings import Settings

DEPLOYMENT_NAME = "claimwatch"


def build_deployments(settings: Settings) -> list[Any]:
    """Return the runner deployments of every flow, with the schedules from settings."""
    from flows.pipeline import extract_flow, ingest_flow, pipeline, resolve_flow, sync_releases_flow

    db = str(settings.db)
    sources = str(settings.sources)
    common: dict[str, Any] = {"entrypoint_type": EntrypointType.MODULE_PATH, "tags": ["claimwatch"]}
    return [
        ingest_flow.to_deployment(
            name=DEPLOYMENT_NAME, interval=timedelta(minutes=settings.ingest_interval_minutes),
            parameters={"sources": sources, "db": db},
            description="Fetch, parse and extract new items from every source.", **common,
        ),
        sync_releases_flow.to_deployment(
            name=DEPLOYMENT_NAME, schedules=[Cron(settings.sync_releases_cron, timezone=settings.timezone)],
            parameters={"db": db, "url": settings.eci_url},
            description="Refresh release facts and capability scores.", **common,
        ),
        resolve_flow.to_deployment(
            name=DEPLOYMENT_NAME, schedules=[Cron(settings.resolve_cron, timezone=settings.timezone)],
            parameters={"db": db},
            description="Resolve every claim against what happened, as of today.", **common,
        ),
        extract_flow.to_deployment(
            name=DEPLOYMENT_NAME, parameters={"db": db},
            description="(Re-)extract stored documents whose extraction is missing or stale; no network.", **common,
        ),
        pipeline.to_deployment(
            name=DEPLOYMENT_NAME, parameters={"sources": sources, "db": db},
            description="Everything in order: ingest, parse, extract, sync releases, resolve.", **common,
        ),
    ]


def serve_all(settings: Settings) -> None:
    """Register the deployments and run them from this process until interrupted."""
    from prefect import serve

    serve(*build_deployments(settings), print_starting_message=True)
