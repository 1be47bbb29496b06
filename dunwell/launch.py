"""Start the ad-hoc reconciliation or a daily dry run on the team's Prefect server.

Only when a Prefect API is configured (PREFECT_API_URL): a deployment run is created
with the parameters a person chose, audited, and its state read back for the
Today page. Without one, `prefect_api()` is None and the page says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.errors import InputError, Unavailable

# what a person may start -> (deployment, fixed parameters)
DEPLOYMENTS: dict[str, tuple[str, dict[str, object]]] = {
    "adhoc": ("dunwell-reconcile/adhoc", {}),
    "daily-dry-run": ("dunwell-daily/daily", {"dry_run": True}),
}
T = TypeVar("T")
LABELS = {"adhoc": "ad-hoc reconciliation", "daily-dry-run": "daily dry run"}


@dataclass(frozen=True)
class Started:
    """A deployment run started from the workbench, and its state as Prefect reports it."""

    flow_run_id: str
    what: str
    by: str
    at: str
    state: str


def prefect_api() -> str | None:
    """The Prefect API the flows run under (PREFECT_API_URL); else None."""
    from dunwell.connectors.settings.config import prefect_api_url

    return prefect_api_url()


def _parameters(what: str, as_of: str, dry_run: bool) -> dict[str, Any]:
    if what not in DEPLOYMENTS:
        raise InputError("what", f"{what!r} is not one of {', '.join(DEPLOYMENTS)}")
    parameters = dict(DEPLOYMENTS[what][1])
    if as_of.strip():
        try:
            parameters["as_of"] = date.fromisoformat(as_of.strip()).isoformat()
        except ValueError:
            raise InputError("as_of", f"{as_of!r} is not a date like 2026-12-07") from None
    if what == "adhoc":
        parameters["dry_run"] = dry_run
        parameters.pop("as_of", None)
    return parameters


def _on(api: str, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `work` with Prefect's client on `api`, the URL the page named. Prefect reads its
    settings once, when first imported, which may predate PREFECT_API_URL: without this a
    run could be started on a throwaway local server instead (its key and other settings
    stay as configured)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}):
        return asyncio.run(work())


def _client() -> Any:
    from prefect.client.orchestration import get_client

    return get_client()


async def _create(deployment: str, parameters: dict[str, Any]) -> str:
    async with _client() as client:
        found = await client.read_deployment_by_name(deployment)
        run = await client.create_flow_run_from_deployment(found.id, parameters=parameters,
                                                           tags=["workbench"])
        return str(run.id)


def start(engine: Engine, actor: Actor, what: str, *, as_of: str = "",
          dry_run: bool = False) -> str:
    """Start a deployment run with these parameters; its flow run id. Audited."""
    require(actor, "runs.start")
    api = prefect_api()
    if api is None:
        raise InputError("prefect", "no Prefect API is configured (PREFECT_API_URL)")
    parameters = _parameters(what, as_of, dry_run)
    deployment = DEPLOYMENTS[what][0]
    try:
        flow_run_id = _on(api, lambda: _create(deployment, parameters))
    except Exception as exc:  # the server's errors are many; the person needs one line
        raise Unavailable(f"Prefect did not start {deployment}: {exc}") from None
    with storage.transaction(engine) as session:
        people.record_audit(session, actor=actor.name, role=actor.role, via=actor.via,
                            action="run.start", subject=flow_run_id,
                            detail=f"{what} ({deployment}) {parameters}")
    return flow_run_id


async def _states(ids: list[str]) -> dict[str, str]:
    from uuid import UUID

    out: dict[str, str] = {}
    async with _client() as client:
        for flow_run_id in ids:
            run = await client.read_flow_run(UUID(flow_run_id))
            out[flow_run_id] = run.state.name if run.state and run.state.name else "unknown"
    return out


def recent(engine: Engine, actor: Actor, limit: int = 5) -> list[Started]:
    """The runs started from the workbench lately, newest first, with their Prefect state."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        entries, _ = people.list_audit(session, text="run.start", limit=limit * 4)
    entries = [e for e in entries if e.action == "run.start"][:limit]
    states: dict[str, str] = {}
    api = prefect_api()
    if entries and api is not None:
        try:
            states = _on(api, lambda: _states([e.subject for e in entries]))
        except Exception:  # noqa: BLE001 - the page still shows what was started
            states = {}
    return [Started(e.subject, e.detail.split(" ")[0], e.actor,
                    e.at.strftime("%Y-%m-%d %H:%M"), states.get(e.subject, "unknown"))
            for e in entries]
