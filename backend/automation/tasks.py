"""Job handlers and cron steps of the automation domain: its subpackages' own, gathered for the worker."""

from __future__ import annotations

from typing import Any

from backend.automation.inbox import tasks as inbox_tasks
from backend.automation.rules import tasks as rules_tasks

JOB_HANDLERS: dict[str, Any] = {**rules_tasks.JOB_HANDLERS, **inbox_tasks.JOB_HANDLERS}
CRON_JOBS: list[Any] = [*rules_tasks.CRON_JOBS]
