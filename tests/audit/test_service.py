"""The audit service's doors: record (no secret detail kept), list_entries (scoped, filtered, newest first), prune."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from backend.audit import service as audit
from backend.audit.tables import AuditEntry
from backend.core.clock import utcnow
from backend.core.scoped import across_workspaces
from tests.helpers import register
from tests.test_architecture import backend_imports


async def test_record_drops_secret_looking_details_and_lists_newest_first(client: httpx.AsyncClient) -> None:
    workspace_id = uuid.UUID((await register(client)).workspace_id)
    actor = uuid.uuid4()
    await audit.record("auth.sign_in", workspace_id=workspace_id, actor_id=actor, actor_email="a@example.com")
    await audit.record(
        "accounts.credentials_changed",
        workspace_id=workspace_id,
        actor_id=actor,
        target="account:1",
        details={"password": "hunter2-secret", "api_key": "sk_x", "card_last4": "4242", "platform": "vinted"},
        ip="203.0.113.5",
    )
    page = await audit.list_entries(
        workspace_id, action=None, actor_id=None, since=None, until=None, limit=10, offset=0
    )
    assert page.total == 2
    assert [e.action for e in page.items] == ["accounts.credentials_changed", "auth.sign_in"]
    assert page.items[0].details == {"platform": "vinted"}
    assert page.items[0].ip == "203.0.113.5"

    only_auth = await audit.list_entries(
        workspace_id, action="auth.", actor_id=None, since=None, until=None, limit=10, offset=0
    )
    assert [e.action for e in only_auth.items] == ["auth.sign_in"]


async def test_prune_deletes_at_most_limit_rows_older_than_before_oldest_first(client: httpx.AsyncClient) -> None:
    workspace_id = uuid.UUID((await register(client)).workspace_id)
    now = utcnow()
    for days in (400, 380, 370, 10):
        await AuditEntry.insert(
            AuditEntry(
                workspace=workspace_id,
                action="auth.sign_in",
                target=f"age:{days}",
                created_at=now - timedelta(days=days),
            )
        )
    await audit.record("admin.user_disabled", workspace_id=None, actor_id=None)

    assert await audit.prune(now - timedelta(days=365), limit=2) == 2
    rows = await across_workspaces(AuditEntry).select(AuditEntry.target).order_by(AuditEntry.created_at)
    assert [r["target"] for r in rows] == ["age:370", "age:10", ""]
    assert await audit.prune(now - timedelta(days=365), limit=10) == 1
    assert await audit.prune(now - timedelta(days=365), limit=10) == 0


def test_the_audit_domain_imports_no_other_domain() -> None:
    # Every domain writes to the audit log, so it must depend on none of them (auth's tables: the foreign key).
    allowed = ("backend.core", "backend.settings", "backend.db", "backend.audit", "backend.auth.tables")
    found = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in backend_imports()
        if imp.source.startswith("backend.audit.")
        and imp.source != "backend.audit.routes"
        and not any(imp.target == a or imp.target.startswith(f"{a}.") for a in allowed)
    ]
    assert not found, "\n".join(found)
