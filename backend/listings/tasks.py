"""Job handlers of the listings domain (thin: the service does the work)."""

from __future__ import annotations

from typing import Any

from backend.listings.service import ANALYZE_KIND, PUBLISH_KIND, analyze_photos, publish_draft

JOB_HANDLERS: dict[str, Any] = {
    ANALYZE_KIND: analyze_photos,
    PUBLISH_KIND: publish_draft,
}
