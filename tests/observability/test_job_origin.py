"""A job remembers the request that created it: the worker's log lines for it carry that request id,
and one of them says how the run ended;
Sentry events from jobs and requests are tagged with the workspace (and job kind) and hold no
personal data."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from backend.jobs import runner
from backend.jobs import service as jobs_service
from backend.observability.sentry import configure_sentry
from backend.settings import get_settings
from tests.helpers import register
from tests.jobs.helpers import finished, wait_for
from tests.platforms.helpers import closed_port, create

ROOT = Path(__file__).resolve().parents[2]


# A worker process of its own, stopped once the job's row is final: under load its `job_finished` line
# (written just after that commit) could still be unwritten.
@pytest.mark.serial
async def test_the_workers_log_lines_for_a_job_carry_the_request_id(
    client: httpx.AsyncClient, test_env: dict[str, str], tmp_path: Path
) -> None:
    account = await register(client)
    proxy = await create(client, account, "proxies", host="127.0.0.1", port=closed_port())
    log_file = tmp_path / "worker.log"
    env = {**test_env, "LOG_JSON": "true", "LOG_LEVEL": "INFO", "PROXY_CHECK_TIMEOUT_SECONDS": "2"}
    with log_file.open("wb") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--settings", "tests.jobs.handlers.TestWorkerSettings"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
        try:
            request_id = f"req-{uuid.uuid4().hex[:12]}"
            response = await client.post(
                f"/api/v1/proxies/{proxy['id']}/health-check",
                headers={**account.headers, "X-Request-ID": request_id},
            )
            assert response.status_code == 202, response.text
            assert response.headers["x-request-id"] == request_id
            job_id = uuid.UUID(response.json()["id"])
            await wait_for(account.workspace_id, job_id, finished, timeout=90, what="the health check")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.startswith("{")]
    of_job = [line for line in lines if line.get("job_id") == str(job_id)]
    assert any(line["event"] == "proxy_checked" for line in of_job), lines[-20:]
    assert {line.get("request_id") for line in of_job} == {request_id}
    assert {line.get("workspace_id") for line in of_job} == {account.workspace_id}
    # One line says how the run ended, with its kind; arq's own start/success lines for it are left out.
    ended = [(line["status"], line["job_kind"]) for line in of_job if line["event"] == "job_finished"]
    assert ended == [("succeeded", "proxies.health_check")], of_job
    arq_lines = [line["event"] for line in lines if line.get("logger") == "arq.worker"]
    assert [line for line in arq_lines if ":run_job" in line and ("→" in line or "←" in line)] == []


class CapturedEvents(Transport):
    """What Sentry would send, kept in memory."""

    events: ClassVar[list[dict[str, Any]]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            if item.type in {"event", "transaction"} and item.payload.json is not None:
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events(override_env: Any) -> Iterator[list[dict[str, Any]]]:
    override_env(SENTRY_DSN="http://public@127.0.0.1:9/1")
    CapturedEvents.events = []
    assert configure_sentry(get_settings(), transport=CapturedEvents)
    yield CapturedEvents.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # off again


async def _failing(run: runner.JobRun) -> None:
    raise ValueError("the handler broke")


async def test_a_failing_jobs_sentry_event_names_its_workspace_and_kind(
    client: httpx.AsyncClient, app: Any, sentry_events: list[dict[str, Any]]
) -> None:
    account = await register(client)
    job = await jobs_service.enqueue(app.state.redis, uuid.UUID(account.workspace_id), "test.breaks", {})
    await runner.run_job(app.state.redis, job.id, {"test.breaks": _failing}, retry_base=0.1)
    sentry_sdk.flush()
    tagged = [event for event in sentry_events if event.get("tags", {}).get("job_kind") == "test.breaks"]
    assert tagged, sentry_events
    assert tagged[0]["tags"]["workspace_id"] == account.workspace_id
    assert account.email not in json.dumps(tagged)


async def test_a_requests_sentry_event_names_its_workspace_and_no_person(
    client: httpx.AsyncClient, sentry_events: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await register(client)

    async def broken(workspace_id: uuid.UUID) -> None:
        raise RuntimeError("statistics broke")

    monkeypatch.setattr(jobs_service, "statistics", broken)
    response = await client.get(
        "/api/v1/jobs/statistics", headers={**account.headers, "X-Request-ID": "req-sentry-1", "Cookie": "a=b"}
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    tagged = [event for event in sentry_events if event.get("tags", {}).get("request_id") == "req-sentry-1"]
    assert tagged, sentry_events
    assert tagged[0]["tags"]["workspace_id"] == account.workspace_id
    sent = json.dumps(tagged)
    assert account.email not in sent
    assert "203.0.113.10" not in sent  # the client's address
    assert account.access_token not in sent
