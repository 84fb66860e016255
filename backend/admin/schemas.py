"""The superuser console's own response bodies (the rest are the owning domains' schemas)."""

from __future__ import annotations

import msgspec

from backend.auth.schemas import MemberOut, WorkspaceSummaryOut
from backend.billing.schemas import BillingOut, PlanOverrideOut
from backend.core.schemas import Page


class AdminWorkspaceOut(msgspec.Struct):
    """One workspace: who is in it, its plan and usage against its limits (overrides applied), its overrides."""

    workspace: WorkspaceSummaryOut
    members: Page[MemberOut]
    """The first members (oldest first); `total` counts them all."""
    billing: BillingOut
    """Plan, subscription status and each limit with its usage, as the workspace's owners see it."""
    overrides: list[PlanOverrideOut]
    """Newest first, expired ones included (`active` false)."""
