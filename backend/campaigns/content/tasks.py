"""Job handlers of campaign content (thin: `generation` does the work)."""

from __future__ import annotations

from typing import Any

from backend.campaigns.content import generation, service

JOB_HANDLERS: dict[str, Any] = {service.GENERATE_KIND: generation.write_batch}
