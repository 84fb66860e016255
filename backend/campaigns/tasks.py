"""Job handlers of the campaigns domain: its parts' own, gathered for the worker."""

from __future__ import annotations

from typing import Any

from backend.campaigns.content import tasks as content_tasks
from backend.campaigns.posting import tasks as posting_tasks

JOB_HANDLERS: dict[str, Any] = {**content_tasks.JOB_HANDLERS, **posting_tasks.JOB_HANDLERS}
CRON_JOBS: list[Any] = []
