"""The automation domain's door for other domains.

Importing it registers the plan's active-rules counter and the fit-to-a-smaller-plan
step in `core.quotas` (done by the rules service at import).
"""

from __future__ import annotations

from backend.automation.rules import service as rules

count_active_rules = rules.count_active
