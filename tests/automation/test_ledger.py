"""The message ledger: one row per account, trigger, recipient and subject; listed and filtered; tenancy."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx

from backend.automation.kinds import social_kinds
from backend.automation.kinds.base import RuleRun
from backend.automation.rules.schemas import MessageNewFollowersParams
from backend.automation.templates import ledger
from tests.helpers import register

BASE = "/api/v1/automation/ledger"


async def test_reserve_is_once_per_recipient_and_trigger_even_when_raced(client: httpx.AsyncClient) -> None:
    account = await register(client)
    workspace, platform_account, rule = uuid.UUID(account.workspace_id), uuid.uuid4(), uuid.uuid4()

    async def reserve(recipient: str, trigger: str = ledger.NEW_FOLLOWER, subject: str = "") -> ledger.LedgerEntry:
        return await ledger.reserve(
            workspace,
            platform_account,
            trigger=trigger,
            recipient=recipient,
            subject=subject,
            rule_id=rule,
            job_id=None,
        )

    raced = await asyncio.gather(*(reserve("bob") for _ in range(6)))
    assert len({entry.id for entry in raced}) == 1
    assert raced[0].status == "reserved"
    assert not raced[0].sent
    await ledger.set_body(workspace, raced[0].id, "Hi bob", uuid.uuid4())
    await ledger.mark_sent(workspace, raced[0].id)
    again = await reserve("bob")
    assert (again.id, again.sent, again.body) == (raced[0].id, True, "Hi bob")
    # Another trigger, another liked item, another account: each its own row.
    liked_a = await reserve("bob", ledger.LIKED_ITEM, "item-1")
    liked_b = await reserve("bob", ledger.LIKED_ITEM, "item-2")
    assert len({again.id, liked_a.id, liked_b.id}) == 3
    other_account = await ledger.reserve(
        workspace, uuid.uuid4(), trigger=ledger.NEW_FOLLOWER, recipient="bob", subject="", rule_id=rule, job_id=None
    )
    assert other_account.id != again.id

    page = (await client.get(BASE, headers=account.headers)).json()
    assert page["total"] == 4
    sent = [e for e in page["items"] if e["status"] == "sent"]
    assert len(sent) == 1
    assert (sent[0]["recipient"], sent[0]["trigger"], sent[0]["subject"], sent[0]["body"]) == (
        "bob",
        "new_follower",
        "",
        "Hi bob",
    )
    assert sent[0]["sent_at"] is not None
    assert sent[0]["rule_id"] == str(rule)

    liked = (await client.get(BASE, headers=account.headers, params={"trigger": "liked_item"})).json()
    assert sorted(e["subject"] for e in liked["items"]) == ["item-1", "item-2"]
    by_account = (await client.get(BASE, headers=account.headers, params={"account_id": str(platform_account)})).json()
    assert by_account["total"] == 3
    by_rule = (await client.get(BASE, headers=account.headers, params={"rule_id": str(rule)})).json()
    assert by_rule["total"] == 4
    nobody = (await client.get(BASE, headers=account.headers, params={"recipient": "carol"})).json()
    assert nobody["total"] == 0
    bad = await client.get(BASE, headers=account.headers, params={"trigger": "poke"})
    assert bad.status_code == 400
    assert "trigger" in bad.text

    stranger = await register(client)
    assert (await client.get(BASE, headers=stranger.headers)).json()["total"] == 0


async def test_a_recipient_first_seen_waits_its_random_delay(client: httpx.AsyncClient) -> None:
    """Before its delay a message is only reserved (nothing is sent, no browser is touched); each recipient's
    delay is drawn once in [min, max] and stays the same on every run."""
    account = await register(client)
    workspace = uuid.UUID(account.workspace_id)
    params = MessageNewFollowersParams(template_id=uuid.uuid4(), delay_min_seconds=600, delay_max_seconds=1200)
    fake_run: Any = SimpleNamespace(id=uuid.uuid4())
    no_session: Any = None  # never reached while the delay runs
    rr = RuleRun(
        run=fake_run,
        workspace_id=workspace,
        rule_id=uuid.uuid4(),
        account_id=uuid.uuid4(),
        kind="message_new_followers",
        params={},
        slot=datetime.now(UTC),
        session=no_session,
    )
    delays = {name: social_kinds._delay_seconds(rr, params, name, "") for name in ("ann", "ben", "cat", "dan")}
    assert all(600 <= d <= 1200 for d in delays.values())
    assert len(set(delays.values())) > 1
    assert social_kinds._delay_seconds(rr, params, "ann", "") == delays["ann"]
    for _ in range(2):
        outcome = await social_kinds._send_once(rr, params, ledger.NEW_FOLLOWER, "ann", "", {"username": "ann"})
        assert outcome == "waiting"
    page = (await client.get(BASE, headers=account.headers)).json()
    assert [(e["recipient"], e["status"], e["body"]) for e in page["items"]] == [("ann", "reserved", "")]
