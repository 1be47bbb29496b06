"""The Today page's run buttons against a real Prefect server.

A controller presses "Reconcile now (ad-hoc)" (dry run ticked) and "Daily dry run"
(with an as-of date) on the workbench; the server must hold one flow run of each
deployment, created from prefect.yaml by `prefect deploy`, with the parameters the
person chose, and the page must show the state Prefect reports: Scheduled while no
worker runs, Completed once a process worker has run them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import Engine

from tests.e2e.prefect_stack import (
    POOL,
    PREFECT,
    REPO,
    base_env,
    create_pool,
    free_port,
    run_cli,
    start,
    stop_group,
    tail,
    wait_for_run,
    wait_healthy,
)
from tests.e2e.test_prefect_server import write_company
from tests.web.seed import seed
from tests.web.test_routes import _sign_in

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(420)]

AS_OF = "2026-11-20"
STARTED = {"adhoc": "dunwell-reconcile/adhoc", "daily-dry-run": "dunwell-daily/daily"}
FORM = re.compile(r'<form method="post" action="/runs/start".*?</form>', re.DOTALL)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def write_deployments(folder: Path, database_url: str) -> None:
    """prefect.yaml's two deployments the buttons start, their runs on the test database."""
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    wanted = {name.split("/")[1] for name in STARTED.values()}
    config["deployments"] = [d for d in config["deployments"] if d["name"] in wanted]
    for deployment in config["deployments"]:
        pool = deployment["work_pool"] = dict(deployment["work_pool"])
        pool["job_variables"] = {"env": {"DUNWELL_DATABASE_URL": database_url,
                                         "DO_NOT_TRACK": "1"}}
    (folder / "prefect.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A Prefect server with the deployments of prefect.yaml; a worker is started on demand."""
    project, home, logs = tmp_path / "project", tmp_path / "prefect-home", tmp_path / "logs"
    for folder in (project, home, logs):
        folder.mkdir()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    database = f"sqlite:///{tmp_path / 'dunwell.db'}"
    env = base_env(home, api_url, {
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    })
    running: dict[str, Any] = {"api": api_url, "database": database, "logs": logs}
    try:
        running["server"] = start([PREFECT, "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env, logs / "server.log", project)
        write_company(project)
        write_deployments(project, database)
        wait_healthy(api_url, running["server"], logs / "server.log")
        create_pool(api_url, {"books": 1, "intake": None})
        run_cli(["--no-prompt", "deploy", "--all"], env, project, timeout=180)
        running["start_worker"] = lambda: running.setdefault("worker", start(
            [PREFECT, "worker", "start", "--pool", POOL], env, logs / "worker.log", project))
        yield running
    finally:
        stop_group(running.get("worker"))
        stop_group(running.get("server"))


def _press(client, what: str, **chosen: str):
    """Submit the Today page's form for `what` as the browser would: its hidden fields (CSRF
    token included) and what the person filled in or ticked."""
    page = client.get("/today").text
    for form in FORM.findall(page):
        fields = dict(HIDDEN.findall(form))
        if fields.get("what") == what:
            for name in chosen:
                assert f'name="{name}"' in form, f"the {what} form has no {name} field"
            return client.post("/runs/start", data=fields | chosen)
    raise AssertionError(f"no button starts {what} on the Today page:\n{page}")


def _workbench_runs(api_url: str) -> dict[str, dict[str, Any]]:
    """The flow runs the workbench started, by deployment name."""
    answer = httpx.post(f"{api_url}/flow_runs/filter", timeout=10,
                        json={"flow_runs": {"tags": {"all_": ["workbench"]}}})
    answer.raise_for_status()
    names = {}
    for run in answer.json():
        deployment = httpx.get(f"{api_url}/deployments/{run['deployment_id']}", timeout=10).json()
        flow = httpx.get(f"{api_url}/flows/{deployment['flow_id']}", timeout=10).json()
        names[f"{flow['name']}/{deployment['name']}"] = run
    return names


def _shown_states(client) -> list[tuple[str, str]]:
    """(what, state) of each row of "Started from here" on the Today page."""
    page = client.get("/today").text
    assert "Started from here" in page, page
    return re.findall(r'<td>(ad-hoc reconciliation|daily dry run)</td><td>conrad</td>'
                      r'<td><span class="status [a-z]+">([A-Za-z]+)</span>', page)


def test_the_today_buttons_start_deployment_runs_and_show_their_state(stack, tmp_path,
                                                                     monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from dunwell.connectors.storage import open_db
    from dunwell.web import create_app

    monkeypatch.setenv("PREFECT_API_URL", stack["api"])
    engine: Engine = open_db(stack["database"])
    seed(engine)
    with TestClient(create_app(engine), follow_redirects=False) as client:
        _sign_in(client, "conrad")
        pressed = _press(client, "adhoc", dry_run="yes")
        assert (pressed.status_code, pressed.headers["location"]) == (303, "/today?done=started")
        pressed = _press(client, "daily-dry-run", as_of=AS_OF)
        assert pressed.status_code == 303, pressed.text

        runs = _workbench_runs(stack["api"])
        assert set(runs) == set(STARTED.values()), runs
        adhoc, daily = runs[STARTED["adhoc"]], runs[STARTED["daily-dry-run"]]
        assert adhoc["parameters"]["dry_run"] is True and "as_of" not in adhoc["parameters"]
        assert adhoc["parameters"]["out"] == "out/adhoc"  # the deployment's own defaults stay
        assert (daily["parameters"]["dry_run"], daily["parameters"]["as_of"]) == (True, AS_OF)
        assert sorted(_shown_states(client)) == [("ad-hoc reconciliation", "Scheduled"),
                                                 ("daily dry run", "Scheduled")]

        stack["start_worker"]()
        for run in (adhoc, daily):
            done = wait_for_run(stack["api"], run["id"], 240)
            assert done["state"]["type"] == "COMPLETED", (
                f"{done['state']}\n--- worker log ---\n{tail(stack['logs'] / 'worker.log')}")
        deadline = time.monotonic() + 10
        while sorted(_shown_states(client)) != [("ad-hoc reconciliation", "Completed"),
                                                ("daily dry run", "Completed")]:
            assert time.monotonic() < deadline, _shown_states(client)
            time.sleep(1)
        audit = client.get("/audit?q=run.start").text
        assert adhoc["id"] in audit and daily["id"] in audit
    engine.dispose()
