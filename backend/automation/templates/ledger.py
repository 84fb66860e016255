"""The message ledger: who was messaged for what, so each message goes out once per user and trigger.

A kind reserves the (account, trigger, recipient, subject) row before sending
(a unique insert: a second run, or a second worker, finds the same row), writes
the text it is about to send, sends, then marks the row sent. A run that finds
its reservation with a text but not marked sent (a crash mid-send) looks in the
conversation before sending again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend import db
from backend.automation.tables import MessageLedger
from backend.automation.templates.schemas import LedgerEntryOut
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped

NEW_FOLLOWER = "new_follower"
LIKED_ITEM = "liked_item"


@dataclass(frozen=True)
class LedgerEntry:
    id: uuid.UUID
    status: str
    body: str
    created_at: datetime

    @property
    def sent(self) -> bool:
        return self.status == "sent"


def _entry(row: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry(id=row["id"], status=row["status"], body=row["body"], created_at=row["created_at"])


async def reserve(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    trigger: str,
    recipient: str,
    subject: str,
    rule_id: uuid.UUID | None,
    job_id: uuid.UUID | None,
) -> LedgerEntry:
    """The ledger row for this message: created now (reserved), or the one an earlier run made."""
    ledger = scoped(MessageLedger, workspace_id)
    key = (
        (MessageLedger.account_id == account_id)
        & (MessageLedger.trigger == trigger)
        & (MessageLedger.recipient == recipient)
        & (MessageLedger.subject == subject)
    )
    row = await ledger.select().where(key).first()
    if row is not None:
        return _entry(row)
    try:
        await MessageLedger.insert(
            MessageLedger(
                id=uuid.uuid4(),
                workspace=workspace_id,
                account_id=account_id,
                rule_id=rule_id,
                trigger=trigger,
                recipient=recipient,
                subject=subject,
                job_id=job_id,
                status="reserved",
                created_at=utcnow(),
            )
        )
    except Exception as exc:
        if not db.is_unique_violation(exc):
            raise
    row = await ledger.select().where(key).first()
    assert row is not None  # inserted just now or by the run that won the race
    return _entry(row)


async def set_body(workspace_id: uuid.UUID, entry_id: uuid.UUID, body: str, job_id: uuid.UUID) -> None:
    """Write the text about to be sent, before sending it (a re-run checks for this text on the platform)."""
    await (
        scoped(MessageLedger, workspace_id)
        .update({MessageLedger.body: body, MessageLedger.job_id: job_id})
        .where((MessageLedger.id == entry_id) & (MessageLedger.status == "reserved"))
    )


async def mark_sent(workspace_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    await (
        scoped(MessageLedger, workspace_id)
        .update({MessageLedger.status: "sent", MessageLedger.sent_at: utcnow()})
        .where((MessageLedger.id == entry_id) & (MessageLedger.status == "reserved"))
    )


async def mark_failed(workspace_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """The platform refused the message: kept (so it is never tried again) and shown as failed."""
    await (
        scoped(MessageLedger, workspace_id)
        .update({MessageLedger.status: "failed"})
        .where((MessageLedger.id == entry_id) & (MessageLedger.status == "reserved"))
    )


def _out(row: dict[str, Any]) -> LedgerEntryOut:
    return to_schema(row, LedgerEntryOut)


async def list_ledger(
    workspace_id: uuid.UUID,
    *,
    account_id: uuid.UUID | None,
    rule_id: uuid.UUID | None,
    recipient: str | None,
    trigger: str | None,
    limit: int,
    offset: int,
) -> Page[LedgerEntryOut]:
    """Who was messaged for what, newest first."""
    ledger = scoped(MessageLedger, workspace_id)
    conditions = [
        condition
        for condition in (
            MessageLedger.account_id == account_id if account_id else None,
            MessageLedger.rule_id == rule_id if rule_id else None,
            MessageLedger.recipient == recipient if recipient else None,
            MessageLedger.trigger == trigger if trigger else None,
        )
        if condition is not None
    ]
    return await fetch_page(
        ledger.select().order_by(MessageLedger.created_at, ascending=False).order_by(MessageLedger.id),
        ledger.count(),
        _out,
        limit,
        offset,
        conditions,
    )
