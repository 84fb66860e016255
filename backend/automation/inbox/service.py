"""The inbox: conversations of the workspace's platform accounts, read into Sellpilot so the user reads and
replies from the app.

Syncing reads the account's inbox page through the platforms facade and
upserts each conversation (unique on account and user) and its messages
(unique on conversation and the platform's message id, or a hash where the
platform shows none), so a re-sync adds nothing twice. Unread counts are
Sellpilot's: a new conversation starts with the platform's count, later syncs
add the incoming messages not seen before, and marking it read sets 0.
Replies and "sync now" are jobs acting as the account (pacing, one action at
a time, challenge → the account needs attention and the job pauses).

A new incoming message that is the platform's sale notice (from its own
account, in its words: `platforms.sale_in_message`) records the sale on the
item behind it (listings' `record_sale`) in the transaction that stores the
message, so a notice read twice is one sale; once that has committed, the job
starts the sold item's delists and tells an oversell on its stream
(`listings.follow_up_sales`), as the analytics sync does for its sales page.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arq.connections import ArqRedis

from backend import db
from backend.automation.inbox.schemas import ConversationOut, InboxMessageOut
from backend.automation.tables import Conversation, InboxMessage
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import NotFound
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobRun
from backend.listings import service as listings
from backend.platforms import service as platforms

SYNC_KIND = "inbox.sync"
REPLY_KIND = "inbox.reply"
NOT_FOUND = "Conversation not found"


# --- reading -------------------------------------------------------------------


async def _labels(workspace_id: uuid.UUID, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    labels: dict[uuid.UUID, str] = {}
    for account_id in dict.fromkeys(account_ids):
        try:
            account = await platforms.get_account(workspace_id, account_id)
        except NotFound:
            labels[account_id] = ""
            continue
        labels[account_id] = account.label or account.login
    return labels


def _out(row: dict[str, Any], labels: dict[uuid.UUID, str]) -> ConversationOut:
    return to_schema(row, ConversationOut, account_label=labels.get(row["account_id"], ""))


async def conversation_row(workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> dict[str, Any]:
    return await scoped(Conversation, workspace_id).get(conversation_id, missing=NOT_FOUND)


async def get_conversation(workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> ConversationOut:
    row = await conversation_row(workspace_id, conversation_id)
    return _out(row, await _labels(workspace_id, [row["account_id"]]))


async def list_conversations(
    workspace_id: uuid.UUID, *, account_id: uuid.UUID | None, unread: bool | None, limit: int, offset: int
) -> Page[ConversationOut]:
    """Conversations, the latest message first; `unread` keeps those with (or without) unread messages."""
    conversations = scoped(Conversation, workspace_id)
    conditions = [
        condition
        for condition in (
            Conversation.account_id == account_id if account_id else None,
            None if unread is None else (Conversation.unread_count > 0 if unread else Conversation.unread_count == 0),
        )
        if condition is not None
    ]
    page = await fetch_page(
        conversations.select()
        .order_by(Conversation.last_message_at, ascending=False)
        .order_by(Conversation.created_at, ascending=False),
        conversations.count(),
        lambda row: row,
        limit,
        offset,
        conditions,
    )
    labels = await _labels(workspace_id, [row["account_id"] for row in page.items])
    return Page(items=[_out(row, labels) for row in page.items], total=page.total, limit=page.limit, offset=page.offset)


async def list_messages(
    workspace_id: uuid.UUID, conversation_id: uuid.UUID, *, limit: int, offset: int
) -> Page[InboxMessageOut]:
    """A conversation's messages, oldest first (another workspace's conversation is not found)."""
    await conversation_row(workspace_id, conversation_id)
    messages = scoped(InboxMessage, workspace_id)
    return await fetch_page(
        messages.select().order_by(InboxMessage.sent_at).order_by(InboxMessage.created_at),
        messages.count(),
        lambda row: to_schema(row, InboxMessageOut),
        limit,
        offset,
        [InboxMessage.conversation == conversation_id],
    )


async def mark_read(workspace_id: uuid.UUID, conversation_id: uuid.UUID) -> ConversationOut:
    await conversation_row(workspace_id, conversation_id)
    await (
        scoped(Conversation, workspace_id)
        .update({Conversation.unread_count: 0})
        .where(Conversation.id == conversation_id)
    )
    return await get_conversation(workspace_id, conversation_id)


# --- syncing ---------------------------------------------------------------------


def _message_key(message: platforms.Message, position: int) -> str:
    if message.message_id:
        return str(message.message_id)[:128]
    moment = message.sent_at.isoformat() if message.sent_at else ""
    digest = hashlib.sha256(f"{message.sender}\x1f{message.body}\x1f{moment}\x1f{position}".encode()).hexdigest()
    return f"h:{digest[:60]}"


async def _conversation_for(
    workspace_id: uuid.UUID, account_id: uuid.UUID, platform: str, with_user: str
) -> tuple[dict[str, Any], bool]:
    """The conversation row (account, user), created when missing; (row, created)."""
    conversations = scoped(Conversation, workspace_id)
    key = (Conversation.account_id == account_id) & (Conversation.with_user == with_user)
    row = await conversations.select().where(key).first()
    if row is not None:
        return row, False
    try:
        await Conversation.insert(
            Conversation(
                id=uuid.uuid4(),
                workspace=workspace_id,
                account_id=account_id,
                platform=platform,
                with_user=with_user,
                created_at=utcnow(),
            )
        )
        created = True
    except Exception as exc:
        if not db.is_unique_violation(exc):
            raise
        created = False  # another sync of the same account made it a moment ago
    row = await conversations.select().where(key).first()
    assert row is not None
    return row, created


@dataclass(frozen=True)
class StoredThread:
    """What storing a thread added."""

    added: int
    incoming: int
    sales: tuple[listings.SaleOutcome, ...] = ()
    """The sales its new sale notices recorded on items of the workspace (to follow up once committed)."""

    @property
    def recorded(self) -> int:
        """How many of them changed an item (sold it, or flagged an oversell); not a sale known already."""
        return sum(1 for sale in self.sales if sale.won or sale.oversell)


async def store_thread(
    workspace_id: uuid.UUID, conversation: dict[str, Any], me: str, messages: Sequence[platforms.Message]
) -> StoredThread:
    """Add the messages not stored yet, and record the sales the platform's notices among them announce, in one
    transaction (see the module's notes): a message stored before, by this sync or another, is no news."""
    conversation_id = conversation["id"]
    stored = {
        row["platform_key"]
        for row in await scoped(InboxMessage, workspace_id)
        .select(InboxMessage.platform_key)
        .where(InboxMessage.conversation == conversation_id)
    }
    added = incoming = 0
    notices: list[tuple[platforms.SaleNotice, datetime | None]] = []
    async with db.transaction():
        for position, message in enumerate(messages):
            key = _message_key(message, position)
            if key in stored:
                continue
            stored.add(key)
            outgoing = message.sender.casefold() == me.casefold()
            row = InboxMessage(
                id=uuid.uuid4(),
                workspace=workspace_id,
                conversation=conversation_id,
                sender=message.sender,
                body=message.body,
                outgoing=outgoing,
                sent_at=message.sent_at,
                platform_key=key,
                created_at=utcnow(),
            )
            # Inside a transaction a unique violation would abort it: a concurrent sync's copy is skipped instead.
            if not await InboxMessage.insert(row).on_conflict(action="DO NOTHING").returning(InboxMessage.id):
                continue
            added += 1
            if outgoing:
                continue
            incoming += 1
            notice = platforms.sale_in_message(conversation["platform"], message.sender, message.body)
            if notice is not None:
                notices.append((notice, message.sent_at))
        sales = await _record_sales(workspace_id, conversation["account_id"], notices)
    return StoredThread(added, incoming, tuple(sales))


async def _record_sales(
    workspace_id: uuid.UUID, account_id: uuid.UUID, notices: list[tuple[platforms.SaleNotice, datetime | None]]
) -> list[listings.SaleOutcome]:
    """Each notice's sale on the item behind it (joins the caller's transaction); those of no item are left."""
    if not notices:
        return []
    # In the order of the items' drafts, as the analytics sync records its sales: two transactions recording
    # sales of the same items lock those drafts' rows in one order, so they wait for each other, not deadlock.
    drafts = await listings.listings_on_items(workspace_id, account_id, [notice.item_id for notice, _ in notices])
    notices = sorted(notices, key=lambda seen: str(drafts.get(seen[0].item_id) or ""))
    outcomes = []
    for notice, sent_at in notices:
        outcome = await listings.record_sale(
            workspace_id, account_id, notice.item_id, notice.price, notice.currency, notice.buyer, sent_at
        )
        if outcome.listing_id is not None:
            outcomes.append(outcome)
    return outcomes


async def sync_conversation(
    run: JobRun,
    session: platforms.AccountSession,
    account_id: uuid.UUID,
    with_user: str,
    summary: platforms.Conversation | None = None,
) -> int:
    """Read one thread (which marks it read on the platform) and store what is new; once stored, follow up the
    sales its notices recorded (delists, oversells). Returns how many sales it recorded."""
    workspace_id = run.workspace_id
    row, created = await _conversation_for(workspace_id, account_id, session.identity.platform, with_user)
    thread = await platforms.read_conversation(session, with_user)
    stored = await store_thread(workspace_id, row, session.username, thread)
    await listings.follow_up_sales(run, stored.sales)
    incoming = stored.incoming
    values: dict[Any, Any] = {Conversation.synced_at: utcnow()}
    if summary is not None:
        values[Conversation.last_message] = summary.last_message
        values[Conversation.last_message_at] = summary.last_message_at or (thread[-1].sent_at if thread else None)
    elif thread:
        values[Conversation.last_message] = thread[-1].body
        values[Conversation.last_message_at] = thread[-1].sent_at
    if created:
        start = max(summary.unread_count, 1 if summary.unread else 0) if summary is not None else incoming
        values[Conversation.unread_count] = start
    elif incoming:
        values[Conversation.unread_count] = Conversation.unread_count + incoming
    conversations = scoped(Conversation, workspace_id)
    await conversations.update(values).where(Conversation.id == row["id"])
    return stored.recorded


def _changed(row: dict[str, Any] | None, summary: platforms.Conversation) -> bool:
    if row is None or summary.unread_count > 0 or summary.unread:
        return True
    return bool(row["last_message"] != summary.last_message or row["last_message_at"] != summary.last_message_at)


async def sync_account(run: JobRun, session: platforms.AccountSession, account_id: uuid.UUID) -> dict[str, int]:
    """Read the account's inbox; each new, unread or changed conversation's thread is read and stored (and the
    sales its notices announce recorded: `sales` counts them)."""
    workspace_id = run.workspace_id
    inbox = await platforms.read_inbox(session)
    known = {
        row["with_user"]: row
        for row in await scoped(Conversation, workspace_id).select().where(Conversation.account_id == account_id)
    }
    read = sales = 0
    for summary in inbox:
        if not _changed(known.get(summary.with_user), summary):
            continue
        sales += await sync_conversation(run, session, account_id, summary.with_user, summary)
        read += 1
    unread = sum(
        row["unread_count"]
        for row in await scoped(Conversation, workspace_id)
        .select(Conversation.unread_count)
        .where(Conversation.account_id == account_id)
    )
    return {"conversations": len(inbox), "read": read, "unread": unread, "sales": sales}


# --- jobs ------------------------------------------------------------------------


async def start_sync(redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID) -> JobOut:
    """Read the account's inbox now: a job (404 for another workspace's account)."""
    await platforms.get_account(workspace_id, account_id)
    return await jobs.enqueue(
        redis,
        workspace_id,
        SYNC_KIND,
        {"account_id": str(account_id)},
        total=1,
        created_by=user_id,
        account_id=account_id,
    )


async def start_reply(
    redis: ArqRedis, workspace_id: uuid.UUID, conversation_id: uuid.UUID, text: str, user_id: uuid.UUID
) -> JobOut:
    """Send `text` in the conversation as its account: a job, which then syncs the conversation."""
    row = await conversation_row(workspace_id, conversation_id)
    return await jobs.enqueue(
        redis,
        workspace_id,
        REPLY_KIND,
        {"conversation_id": str(conversation_id), "text": text},
        total=1,
        created_by=user_id,
        account_id=row["account_id"],
    )


async def run_sync(run: JobRun, account_id: uuid.UUID) -> dict[str, int]:
    async with (
        platforms.account_job(run, "sync"),
        platforms.run_as_account(run.redis, run.workspace_id, account_id) as session,
    ):
        counts = await sync_account(run, session, account_id)
    await run.record_item("sync", result=counts)
    return counts


async def run_reply(run: JobRun, conversation_id: uuid.UUID, text: str) -> dict[str, str]:
    """Send the reply once: a re-run first looks whether the last message it sent already is this text."""
    if "reply" in await run.completed_keys():
        return {"sent": "already"}
    row = await conversation_row(run.workspace_id, conversation_id)
    with_user = row["with_user"]
    async with (
        platforms.account_job(run, "reply"),
        platforms.run_as_account(run.redis, run.workspace_id, row["account_id"]) as session,
    ):
        already = False
        if run.attempt > 1 or run.dispatch > 1:
            thread = await platforms.read_conversation(session, with_user)
            mine = [m for m in thread if m.sender.casefold() == session.username.casefold()]
            already = bool(mine) and mine[-1].body.strip() == text.strip()
        if not already:
            await platforms.send_message(session, with_user, text)
        await sync_conversation(run, session, row["account_id"], with_user)
    await run.record_item("reply", result={"to": with_user, "text": text[:200]})
    return {"to": with_user}
