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
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
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


async def store_thread(
    workspace_id: uuid.UUID, conversation_id: uuid.UUID, me: str, messages: Sequence[platforms.Message]
) -> tuple[int, int]:
    """Add the messages not stored yet; (added, of which incoming)."""
    stored = {
        row["platform_key"]
        for row in await scoped(InboxMessage, workspace_id)
        .select(InboxMessage.platform_key)
        .where(InboxMessage.conversation == conversation_id)
    }
    added = incoming = 0
    for position, message in enumerate(messages):
        key = _message_key(message, position)
        if key in stored:
            continue
        outgoing = message.sender.casefold() == me.casefold()
        try:
            await InboxMessage.insert(
                InboxMessage(
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
            )
        except Exception as exc:
            if not db.is_unique_violation(exc):
                raise
            continue  # stored by a concurrent sync
        stored.add(key)
        added += 1
        incoming += 0 if outgoing else 1
    return added, incoming


async def sync_conversation(
    session: platforms.AccountSession,
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    with_user: str,
    summary: platforms.Conversation | None = None,
) -> dict[str, Any]:
    """Read one thread (which marks it read on the platform) and store what is new; returns the row."""
    row, created = await _conversation_for(workspace_id, account_id, session.identity.platform, with_user)
    thread = await platforms.read_conversation(session, with_user)
    _, incoming = await store_thread(workspace_id, row["id"], session.username, thread)
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
    return await conversation_row(workspace_id, row["id"])


def _changed(row: dict[str, Any] | None, summary: platforms.Conversation) -> bool:
    if row is None or summary.unread_count > 0 or summary.unread:
        return True
    return bool(row["last_message"] != summary.last_message or row["last_message_at"] != summary.last_message_at)


async def sync_account(
    session: platforms.AccountSession, workspace_id: uuid.UUID, account_id: uuid.UUID
) -> dict[str, int]:
    """Read the account's inbox; each new, unread or changed conversation's thread is read and stored."""
    inbox = await platforms.read_inbox(session)
    known = {
        row["with_user"]: row
        for row in await scoped(Conversation, workspace_id).select().where(Conversation.account_id == account_id)
    }
    read = 0
    for summary in inbox:
        if not _changed(known.get(summary.with_user), summary):
            continue
        await sync_conversation(session, workspace_id, account_id, summary.with_user, summary)
        read += 1
    unread = sum(
        row["unread_count"]
        for row in await scoped(Conversation, workspace_id)
        .select(Conversation.unread_count)
        .where(Conversation.account_id == account_id)
    )
    return {"conversations": len(inbox), "read": read, "unread": unread}


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
        counts = await sync_account(session, run.workspace_id, account_id)
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
        await sync_conversation(session, run.workspace_id, row["account_id"], with_user)
    await run.record_item("reply", result={"to": with_user, "text": text[:200]})
    return {"to": with_user}
