"""The plan limit a job start's INSERT computes in SQL is the limit `effective_plan` gives, case by case:
subscriptions in every state, live and expired overrides of a plan or of one limit, newest winning."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from backend.auth.tables import Workspace
from backend.billing import service as billing
from backend.billing.plans import PLANS
from backend.billing.tables import PlanOverride, Subscription
from backend.core.clock import utcnow
from backend.core.quotas import Resource
from backend.core.scoped import scoped
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="job starts read the limit in SQL on PostgreSQL only")

JOBS = Resource.concurrent_jobs
LIVE, GONE = timedelta(hours=1), -timedelta(minutes=1)

# (subscription (plan, status) or None, overrides oldest first as (plan, resource, limit, expires in)),
# and the concurrent jobs the workspace then has.
CASES: dict[str, tuple[tuple[str, str] | None, list[tuple[str | None, str | None, int | None, timedelta]], int]] = {
    "no subscription": (None, [], PLANS["free"].limits[JOBS]),
    "active business": (("business", "active"), [], PLANS["business"].limits[JOBS]),
    "trialing pro": (("pro", "trialing"), [], PLANS["pro"].limits[JOBS]),
    "past due pro": (("pro", "past_due"), [], PLANS["pro"].limits[JOBS]),
    "canceled pro": (("pro", "canceled"), [], PLANS["free"].limits[JOBS]),
    "unknown plan": (("legacy", "active"), [], PLANS["free"].limits[JOBS]),
    "plan override": (None, [("business", None, None, LIVE)], PLANS["business"].limits[JOBS]),
    "expired plan override": (("business", "active"), [("pro", None, None, GONE)], PLANS["business"].limits[JOBS]),
    "newest plan override": (
        ("pro", "active"),
        [("business", None, None, LIVE), ("free", None, None, LIVE)],
        PLANS["free"].limits[JOBS],
    ),
    "unknown override plan": (("pro", "active"), [("legacy", None, None, LIVE)], PLANS["pro"].limits[JOBS]),
    "limit over plan override": (None, [(None, "concurrent_jobs", 7, LIVE), ("business", None, None, LIVE)], 7),
    "newest limit": (None, [(None, "concurrent_jobs", 7, LIVE), (None, "concurrent_jobs", 4, LIVE)], 4),
    "expired newest limit": (
        ("business", "active"),
        [(None, "concurrent_jobs", 7, LIVE), (None, "concurrent_jobs", 4, GONE)],
        7,
    ),
    "another resource's limit": (
        ("pro", "active"),
        [(None, "platform_accounts", 99, LIVE)],
        PLANS["pro"].limits[JOBS],
    ),
}


async def _workspace(subscription: tuple[str, str] | None, overrides: list[Any], now: datetime) -> uuid.UUID:
    workspace_id = uuid.uuid4()
    await Workspace.insert(Workspace(id=workspace_id, name="limits"))
    if subscription is not None:
        plan, status = subscription
        await Subscription.insert(Subscription(workspace=workspace_id, plan=plan, status=status))
    for age, (plan, resource, limit, expires_in) in enumerate(reversed(overrides)):
        await PlanOverride.insert(
            PlanOverride(
                workspace=workspace_id,
                plan=plan,
                resource=resource,
                limit_value=limit,
                reason="test",
                expires_at=now + expires_in,
                created_at=now - timedelta(minutes=age + 1),
            )
        )
    return workspace_id


async def _limit_in_sql(workspace_id: uuid.UUID, resource: Resource, now: datetime) -> int:
    rows = await scoped(PlanOverride, workspace_id).raw(f"SELECT {billing.limit_sql(resource)} AS lim", now)
    return int(rows[0]["lim"])


@pytest.mark.parametrize("case", list(CASES))
async def test_the_limit_in_sql_is_the_effective_plans(case: str) -> None:
    subscription, overrides, expected = CASES[case]
    now = utcnow()
    workspace_id = await _workspace(subscription, overrides, now)
    plan = await billing.effective_plan(workspace_id)
    assert plan.limits[JOBS] == expected
    for resource in Resource:
        assert await _limit_in_sql(workspace_id, resource, now) == plan.limits[resource], resource
