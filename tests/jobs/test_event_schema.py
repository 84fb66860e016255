"""The progress streams document their events, so the SPA's generated types carry every event type and status."""

from __future__ import annotations

from typing import get_args

import httpx

from backend.jobs.schemas import EventType, JobStatusName
from backend.jobs.tables import JobStatus

STREAMS = ("/api/v1/events", "/api/v1/jobs/{job_id}/events")


async def test_job_event_type_and_status_are_enums_of_every_value(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    job_event = schema["components"]["schemas"]["JobEvent"]
    assert job_event["properties"]["type"]["enum"] == list(get_args(EventType))
    assert job_event["properties"]["status"]["enum"] == list(get_args(JobStatusName))
    assert {"type", "status", "job_id", "kind"} <= set(job_event["required"])
    # The API's status names are the table's statuses: none the SPA would never hear of.
    assert set(get_args(JobStatusName)) == {status.value for status in JobStatus}


async def test_each_stream_says_its_events_carry_a_job_event(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in STREAMS:
        success = paths[path]["get"]["responses"]["200"]
        assert success["content"] == {"text/event-stream": {"schema": {"$ref": "#/components/schemas/JobEvent"}}}
        assert "Last-Event-ID" in success["description"]
