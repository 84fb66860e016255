"""Subscriptions, received Stripe events and the monthly usage ledger."""

from __future__ import annotations

from piccolo.columns import JSON, UUID, BigInt, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.auth.tables import Workspace


class Subscription(Table, tablename="subscriptions"):
    """One per workspace. No row means the free plan."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, unique=True)
    plan = Varchar(length=32, default="free")
    # Stripe's subscription status, or "none" before any checkout.
    status = Varchar(length=32, default="none")
    stripe_customer_id = Varchar(length=255, null=True, default=None, unique=True)
    stripe_subscription_id = Varchar(length=255, null=True, default=None, unique=True)
    current_period_start = Timestamptz(null=True, default=None)
    current_period_end = Timestamptz(null=True, default=None)
    cancel_at_period_end = Boolean(default=False)
    # `created` of the Stripe event whose subscription state is applied here;
    # an older event never overwrites it (webhooks arrive out of order).
    state_at = BigInt(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class BillingEvent(Table, tablename="billing_events"):
    """Every Stripe event received, once (the primary key is Stripe's event id)."""

    id = Varchar(length=255, primary_key=True)
    type = Varchar(length=100)
    created = BigInt()
    payload = JSON()
    received_at = Timestamptz(default=TimestamptzNow())
    handled_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    error = Text(null=True, default=None)


class Usage(Table, tablename="usage_ledger"):
    """What a workspace consumed of a monthly resource in one calendar month (UTC)."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    resource = Varchar(length=32)
    period = Varchar(length=7)  # "2026-11"
    used = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
    # Unique (workspace, resource, period): a unique index made by the migration.


class UsageCharge(Table, tablename="usage_charges"):
    """One charge of a monthly resource for one piece of work (e.g. an analyze job's item).

    Unique on (workspace, resource, key), so work that runs again after a crash
    is not charged again; giving the charge back deletes the row, so it is given
    back once.
    """

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    resource = Varchar(length=32)
    key = Varchar(length=255)
    # The month whose ledger row it counts in, so a give-back after midnight on
    # the 1st goes to the right month.
    period = Varchar(length=7)
    n = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    # Unique (workspace, resource, key): a unique index made by the migration.


class PlanOverride(Table, tablename="plan_overrides"):
    """A superuser's exception to a workspace's plan until `expires_at`: another plan (`plan`), or one limit
    (`resource` and `limit_value`). `effective_plan` applies the live ones; an expired one is simply ignored
    (no cron needed) and stays as history until removed."""

    id = UUID(primary_key=True)
    workspace = ForeignKey(Workspace, null=False, on_delete=OnDelete.cascade, index=True)
    plan = Varchar(length=32, null=True, default=None)
    resource = Varchar(length=32, null=True, default=None)
    limit_value = Integer(null=True, default=None)
    reason = Text(default="")
    expires_at = Timestamptz()
    created_by = UUID(null=True, default=None)
    created_by_email = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
