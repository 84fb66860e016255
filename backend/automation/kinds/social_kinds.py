"""The social kinds: follow, unfollow_nonfollowers, message_new_followers, message_likers, inbox_sync.

Each acts through the platforms facade on the session the runner opened
(pacing, one action at a time, the account's daily cap, challenge → needs
attention). Per target: skip what an earlier try of this slot did (`done`),
spend one of the rule's daily actions before a change (False: the rule's cap
is reached, the rest waits for tomorrow), act, record the target as a job item.

Messages go out once per account, trigger and recipient (and liked item): the
ledger row is reserved first, holds the text before it is sent, and is marked
sent after; a run that finds a text reserved but not marked sent looks in the
conversation before sending again. A recipient first seen waits a delay drawn
in [delay_min_seconds, delay_max_seconds] (fixed per recipient, counted from
when the ledger first saw them) before the message goes out.

"New followers" are those who followed after the rule was created (or whose
follow date the platform does not show): creating the rule does not message
every existing follower.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

import msgspec

from backend.automation.inbox import service as inbox
from backend.automation.kinds.base import RuleRun, Summary
from backend.automation.rules.schemas import (
    FollowParams,
    MessageLikersParams,
    MessageNewFollowersParams,
    UnfollowNonfollowersParams,
)
from backend.automation.tables import AutomationRule
from backend.automation.templates import ledger
from backend.automation.templates import service as templates
from backend.core.clock import utcnow
from backend.core.scoped import scoped
from backend.jobs.service import JobFailed
from backend.platforms import service as platforms

# Follow dates a platform shows are rounded; a follow this close before the rule was made still counts as new.
NEW_FOLLOWER_GRACE = timedelta(minutes=2)
CENT = Decimal("0.01")
ParamsT = TypeVar("ParamsT", bound=msgspec.Struct)
MessageParams = MessageNewFollowersParams | MessageLikersParams


def _params(rr: RuleRun, struct: type[ParamsT]) -> ParamsT:
    """The rule's parameters (checked when the rule was saved; if they no longer fit, the run fails saying so)."""
    try:
        return msgspec.convert(rr.params, struct)
    except msgspec.ValidationError as exc:
        raise JobFailed(f"The rule's parameters are not valid any more ({exc}); edit the rule") from None


def _unique(names: Iterable[str], *exclude: str) -> list[str]:
    skip = {name.casefold() for name in exclude}
    seen: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name and name.casefold() not in skip:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


# --- follow / unfollow -----------------------------------------------------------


async def _follow_candidates(rr: RuleRun, params: FollowParams) -> list[str]:
    if params.source == "followers_of" and params.username:
        return list(await platforms.followers_of(rr.session, params.username))
    if params.source == "likers_of_my_items":
        names: list[str] = []
        for item in await platforms.my_listings(rr.session):
            if not item.sold:
                names.extend(liker.username for liker in await platforms.likers_of(rr.session, item.item_id))
        return names
    if params.source == "feed_search" and params.query:
        return list(await platforms.search_users(rr.session, params.query, limit=max(50, 2 * params.max_per_run)))
    raise JobFailed(f"The follow source {params.source!r} needs its username or query; edit the rule")


async def follow(rr: RuleRun) -> Summary:
    """Follow users from the source, skipping those already followed, up to max_per_run."""
    params = _params(rr, FollowParams)
    following = {user.username.casefold() for user in await platforms.my_following(rr.session)}
    summary = {"followed": 0, "already_following": 0, "capped": 0}
    for username in _unique(await _follow_candidates(rr, params), rr.session.username):
        if summary["followed"] >= params.max_per_run:
            break
        key = f"follow:{username}"
        if key in rr.done:
            summary["followed"] += 1
            continue
        if username.casefold() in following:
            summary["already_following"] += 1
            continue
        await rr.run.check_cancelled()
        if not await rr.spend():
            summary["capped"] = 1
            break
        try:
            changed = await platforms.follow_user(rr.session, username)
        except platforms.AccountUnavailable:
            raise  # the account itself stops (its daily cap, disabled): the runner says so
        except platforms.ActionFailed as exc:  # the platform refused this one user: the others go on
            await rr.run.record_item(key, error=f"{username}: {exc}")
            summary["failed"] = summary.get("failed", 0) + 1
            continue
        action = "follow" if changed else "already_following"
        await rr.run.record_item(key, result={"target": username, "action": action})
        summary["followed" if changed else "already_following"] += 1
    return summary


async def unfollow_nonfollowers(rr: RuleRun) -> Summary:
    """Unfollow users followed more than N days ago who do not follow back (unknown follow date: kept)."""
    params = _params(rr, UnfollowNonfollowersParams)
    cutoff = utcnow() - timedelta(days=params.followed_more_than_days)
    summary = {"unfollowed": 0, "kept": 0, "capped": 0}
    for user in await platforms.my_following(rr.session):
        if summary["unfollowed"] >= params.max_per_run:
            break
        key = f"unfollow:{user.username}"
        if key in rr.done:
            summary["unfollowed"] += 1
            continue
        if user.follows_me or user.followed_at is None or user.followed_at >= cutoff:
            summary["kept"] += 1
            continue
        await rr.run.check_cancelled()
        if not await rr.spend():
            summary["capped"] = 1
            break
        try:
            changed = await platforms.unfollow_user(rr.session, user.username)
        except platforms.AccountUnavailable:
            raise
        except platforms.ActionFailed as exc:
            await rr.run.record_item(key, error=f"{user.username}: {exc}")
            summary["failed"] = summary.get("failed", 0) + 1
            continue
        action = "unfollow" if changed else "not_following"
        result = {"target": user.username, "action": action, "followed_at": user.followed_at.isoformat()}
        await rr.run.record_item(key, result=result)
        summary["unfollowed"] += 1 if changed else 0
    return summary


# --- messages ----------------------------------------------------------------------


def _delay_seconds(rr: RuleRun, params: MessageParams, recipient: str, subject: str) -> int:
    """A delay in [min, max], drawn once per recipient and subject (the same on every run)."""
    low = params.delay_min_seconds
    high = max(low, params.delay_max_seconds)
    if high == low:
        return low
    digest = hashlib.sha256(f"{rr.rule_id}:{recipient.casefold()}:{subject}".encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low + 1)


async def _already_in_thread(rr: RuleRun, recipient: str, text: str) -> bool:
    me = rr.session.username.casefold()
    thread = await platforms.read_conversation(rr.session, recipient)
    return any(m.sender.casefold() == me and m.body.strip() == text.strip() for m in thread)


async def _send_once(
    rr: RuleRun, params: MessageParams, trigger: str, recipient: str, subject: str, values: dict[str, str]
) -> str:
    """One message through the ledger: "sent", "already_sent", "waiting" (its delay), "capped", or "failed"
    (the platform refused it: recorded, never tried again)."""
    key = f"{trigger}:{recipient}:{subject}" if subject else f"{trigger}:{recipient}"
    if key in rr.done:
        return "sent"
    entry = await ledger.reserve(
        rr.workspace_id,
        rr.account_id,
        trigger=trigger,
        recipient=recipient,
        subject=subject,
        rule_id=rr.rule_id,
        job_id=rr.run.id,
    )
    if entry.sent:
        return "already_sent"
    if entry.status == "failed":
        return "refused_before"
    if utcnow() < entry.created_at + timedelta(seconds=_delay_seconds(rr, params, recipient, subject)):
        return "waiting"
    await rr.run.check_cancelled()
    result = {"target": recipient, "action": "message", "trigger": trigger, "subject": subject}
    if entry.body and await _already_in_thread(rr, recipient, entry.body):
        # Sent by a run that stopped before marking it: mark it now, send nothing.
        await ledger.mark_sent(rr.workspace_id, entry.id)
        await rr.run.record_item(key, result={**result, "text": entry.body[:200], "found_sent": True})
        return "sent"
    text = entry.body or await templates.message_for(rr.workspace_id, params.template_id, values, recipient)
    if not await rr.spend():
        return "capped"
    await ledger.set_body(rr.workspace_id, entry.id, text, rr.run.id)
    try:
        await platforms.send_message(rr.session, recipient, text)
    except platforms.AccountUnavailable:
        raise
    except platforms.ActionFailed as exc:
        await ledger.mark_failed(rr.workspace_id, entry.id)
        await rr.run.record_item(key, error=f"{recipient}: {exc}")
        return "failed"
    await ledger.mark_sent(rr.workspace_id, entry.id)
    await rr.run.record_item(key, result={**result, "text": text[:200]})
    return "sent"


async def _check_template(rr: RuleRun, params: MessageParams) -> None:
    if not await templates.template_exists(rr.workspace_id, params.template_id):
        raise JobFailed("The rule's message template was deleted; choose another template for the rule")


async def _rule_created_at(rr: RuleRun) -> datetime:
    rules = scoped(AutomationRule, rr.workspace_id)
    row = await rules.select(AutomationRule.created_at).where(AutomationRule.id == rr.rule_id).first()
    return row["created_at"] if row is not None else utcnow()


def _tally(summary: dict[str, int], outcome: str) -> bool:
    """Count the outcome; False when the run must stop (the rule's cap)."""
    summary[outcome] = summary.get(outcome, 0) + 1
    return outcome != "capped"


async def message_new_followers(rr: RuleRun) -> Summary:
    """A message from the template to each follower who followed after the rule was made, once each."""
    params = _params(rr, MessageNewFollowersParams)
    await _check_template(rr, params)
    since = await _rule_created_at(rr) - NEW_FOLLOWER_GRACE
    me = rr.session.username
    summary = {"sent": 0, "already_sent": 0, "waiting": 0, "capped": 0}
    for follower in await platforms.my_followers(rr.session):
        if summary["sent"] >= params.max_per_run:
            break
        if follower.followed_at is not None and follower.followed_at < since:
            continue
        values = {"username": follower.username, "my_name": me}
        if not _tally(summary, await _send_once(rr, params, ledger.NEW_FOLLOWER, follower.username, "", values)):
            break
    return summary


def _money(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _discounted(price: Decimal | None, percent: float | None) -> Decimal | None:
    if price is None or percent is None:
        return price
    return price * (Decimal(100) - Decimal(str(percent))) / Decimal(100)


async def message_likers(rr: RuleRun) -> Summary:
    """A message from the template to each user who liked one of my (unsold) items, once per user and item."""
    params = _params(rr, MessageLikersParams)
    await _check_template(rr, params)
    me = rr.session.username
    summary = {"sent": 0, "already_sent": 0, "waiting": 0, "capped": 0}
    for item in await platforms.my_listings(rr.session):
        if summary["sent"] >= params.max_per_run or summary["capped"]:
            break
        if item.sold:
            continue
        values = {
            "item_title": item.title,
            "price": _money(item.price),
            "discount_price": _money(_discounted(item.price, params.discount_percent)),
            "my_name": me,
        }
        for liker in await platforms.likers_of(rr.session, item.item_id):
            if summary["sent"] >= params.max_per_run:
                break
            if liker.username.casefold() == me.casefold():
                continue
            outcome = await _send_once(
                rr, params, ledger.LIKED_ITEM, liker.username, item.item_id, {**values, "username": liker.username}
            )
            if not _tally(summary, outcome):
                break
    return summary


# --- inbox ---------------------------------------------------------------------------


async def inbox_sync(rr: RuleRun) -> Summary:
    """Read the account's conversations into Sellpilot (unread counts, new messages, sales their notices tell)."""
    counts = await inbox.sync_account(rr.run, rr.session, rr.account_id)
    await rr.run.record_item(f"inbox:{rr.slot.isoformat()}", result={"target": "inbox", "action": "sync", **counts})
    return counts
