"""The inbox as the API shows it: conversations of the workspace's platform accounts and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec


class ConversationOut(msgspec.Struct):
    id: uuid.UUID
    account_id: uuid.UUID
    account_label: str
    """The account's label (its login when it has none); empty when the account was deleted."""
    platform: str
    with_user: str
    last_message: str
    last_message_at: datetime | None
    unread_count: int
    """Messages received since the conversation was last marked read in Sellpilot."""
    synced_at: datetime | None


class InboxMessageOut(msgspec.Struct):
    id: uuid.UUID
    sender: str
    body: str
    outgoing: bool
    """Sent by the account itself (from Sellpilot or on the platform)."""
    sent_at: datetime | None


class ReplyIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class SyncIn(msgspec.Struct, forbid_unknown_fields=True):
    account_id: uuid.UUID
