"""Automation: rules that act as a platform account on a schedule, message templates,
the ledger of who was messaged for what, and the inbox read from the platforms.

A rule's runs are jobs (kind `automation.run`, one item per target); the job
row is the run history, so there is no runs table here.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class AutomationRule(Table, tablename="automation_rules"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    # The platform account the rule acts as (platforms' table: no cross-domain foreign key).
    account_id = UUID(index=True)
    name = Varchar(length=100)
    # bump, relist, follow, unfollow_nonfollowers, message_new_followers, message_likers,
    # price_drop, inbox_sync, scheduled_publish
    kind = Varchar(length=32, index=True)
    params = JSON(default="{}")
    # Schedule: a slot every `interval_minutes`, only inside the active hours
    # (HH:MM, in `timezone`, the account's), never before `starts_at`.
    interval_minutes = Integer(default=60)
    starts_at = Timestamptz(null=True, default=None)
    active_from = Varchar(length=5, default="00:00")
    active_to = Varchar(length=5, default="24:00")
    timezone = Varchar(length=64, default="UTC")
    # Changing actions per day for this rule (the account's own daily cap applies too).
    daily_cap = Integer(default=50)
    actions_day = Date(null=True, default=None)
    actions_today = Integer(default=0)
    # active, paused; `pause_reason` says why (user, plan limit, account needs attention).
    status = Varchar(length=16, default="active", index=True)
    pause_reason = Text(default="")
    next_run_at = Timestamptz(null=True, default=None, index=True)
    # A slot claimed by a tick but not yet handed to a job: a later tick re-sends it
    # (same idempotency key), so a worker dying between claim and enqueue loses nothing.
    pending_slot = Timestamptz(null=True, default=None, index=True)
    last_run_at = Timestamptz(null=True, default=None)
    last_job_id = UUID(null=True, default=None)
    last_outcome = Varchar(length=16, default="")  # succeeded, failed, partial, paused, skipped
    last_summary = JSON(default="{}")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MessageTemplate(Table, tablename="automation_templates"):
    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    body = Text()
    # Let the AI provider rewrite the text per recipient (the offline provider keeps it).
    ai_variant = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MessageLedger(Table, tablename="automation_message_ledger"):
    """Who was messaged for what: unique on (account_id, trigger, recipient, subject)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(index=True)
    rule_id = UUID(null=True, default=None, index=True)
    trigger = Varchar(length=32)  # new_follower, liked_item
    recipient = Varchar(length=255)
    # What the message is about: the liked item's platform id, "" for a new follower.
    subject = Varchar(length=255, default="")
    body = Text(default="")
    job_id = UUID(null=True, default=None)
    # reserved (claimed, not yet confirmed sent), sent, failed (refused by the platform: never retried)
    status = Varchar(length=16, default="reserved")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class Conversation(Table, tablename="inbox_conversations"):
    """One conversation of a platform account with another user; unique on (account_id, with_user)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    account_id = UUID(index=True)
    platform = Varchar(length=32)
    with_user = Varchar(length=255)
    last_message = Text(default="")
    last_message_at = Timestamptz(null=True, default=None, index=True)
    unread_count = Integer(default=0)
    synced_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class InboxMessage(Table, tablename="inbox_messages"):
    """A message of a conversation; unique on (conversation, platform_key) so a re-sync adds nothing twice."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    conversation = ForeignKey(Conversation, null=False, on_delete=OnDelete.cascade, index=True)
    sender = Varchar(length=255)
    body = Text()
    outgoing = Boolean(default=False)
    sent_at = Timestamptz(null=True, default=None)
    # The platform's id of the message, or a hash of sender, body, time and position.
    platform_key = Varchar(length=128)
    created_at = Timestamptz(default=TimestamptzNow())
