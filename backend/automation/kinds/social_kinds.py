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
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from backend.automation.inbox import service as inbox
from backend.automation.kinds.base import RuleRun, Summary
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


def _int(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    return default if value is None else int(value)


def _unique(names: Iterable[str], *exclude: str) -> list[str]:
    skip = {name.casefold() for name in exclude}
    seen: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name and name.casefold() not in skip:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


# --- follow / unfollow -----------------------------------------------------------


async def _follow_candidates(rr: RuleRun) -> list[str]:
    params = rr.params
    source = params.get("source")
    if source == "followers_of":
        return await platforms.followers_of(rr.session, str(params["username"]))
    if source == "likers_of_my_items":
        names: list[str] = []
        for item in await platforms.my_listings(rr.session):
            if not item.sold:
                names.extend(liker.username for liker in await platforms.likers_of(rr.session, item.item_id))
        return names
    if source == "feed_search":
        return await platforms.search_users(rr.session, str(params["query"]), limit=50)
    raise JobFailed(f"Unknown follow source {source!r}; use followers_of, likers_of_my_items or feed_search")


async def follow(rr: RuleRun) -> Summary:
    """Follow users from the source, skipping those already followed, up to max_per_run."""
    limit = _int(rr.params, "max_per_run", 20)
    following = {user.username.casefold() for user in await platforms.my_following(rr.session)}
    summary = {"followed": 0, "already_following": 0, "capped": 0}
    for username in _unique(await _follow_candidates(rr), rr.session.username):
        if summary["followed"] >= limit:
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
        changed = await platforms.follow_user(rr.session, username)
        await rr.run.record_item(
            key, result={"target": username, "action": "follow" if changed else "already_following"}
        )
        summary["followed" if changed else "already_following"] += 1
    return summary


async def unfollow_nonfollowers(rr: RuleRun) -> Summary:
    """Unfollow users followed more than N days ago who do not follow back (unknown follow date: kept)."""
    limit = _int(rr.params, "max_per_run", 20)
    cutoff = utcnow() - timedelta(days=_int(rr.params, "followed_more_than_days", 7))
    summary = {"unfollowed": 0, "kept": 0, "capped": 0}
    for user in await platforms.my_following(rr.session):
        if summary["unfollowed"] >= limit:
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
        changed = await platforms.unfollow_user(rr.session, user.username)
        await rr.run.record_item(
            key,
            result={
                "target": user.username,
                "action": "unfollow" if changed else "not_following",
                "followed_at": user.followed_at.isoformat(),
            },
        )
        summary["unfollowed"] += 1 if changed else 0
    return summary


# --- messages ----------------------------------------------------------------------


def _delay_seconds(rr: RuleRun, recipient: str, subject: str) -> int:
    """A delay in [min, max], drawn once per recipient and subject (the same on every run)."""
    low = max(0, _int(rr.params, "delay_min_seconds", 0))
    high = max(low, _int(rr.params, "delay_max_seconds", low))
    if high == low:
        return low
    digest = hashlib.sha256(f"{rr.rule_id}:{recipient.casefold()}:{subject}".encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low + 1)


async def _already_in_thread(rr: RuleRun, recipient: str, text: str) -> bool:
    me = rr.session.username.casefold()
    thread = await platforms.read_conversation(rr.session, recipient)
    return any(m.sender.casefold() == me and m.body.strip() == text.strip() for m in thread)


async def _send_once(rr: RuleRun, trigger: str, recipient: str, subject: str, values: dict[str, str]) -> str:
    """One message through the ledger: "sent", "already_sent", "waiting" (its delay) or "capped"."""
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
    if utcnow() < entry.created_at + timedelta(seconds=_delay_seconds(rr, recipient, subject)):
        return "waiting"
    await rr.run.check_cancelled()
    result = {"target": recipient, "action": "message", "trigger": trigger, "subject": subject}
    if entry.body and await _already_in_thread(rr, recipient, entry.body):
        # Sent by a run that stopped before marking it: mark it now, send nothing.
        await ledger.mark_sent(rr.workspace_id, entry.id)
        await rr.run.record_item(key, result={**result, "text": entry.body[:200], "found_sent": True})
        return "sent"
    text = entry.body or await templates.message_for(
        rr.workspace_id, uuid.UUID(str(rr.params["template_id"])), values, recipient
    )
    if not await rr.spend():
        return "capped"
    await ledger.set_body(rr.workspace_id, entry.id, text, rr.run.id)
    await platforms.send_message(rr.session, recipient, text)
    await ledger.mark_sent(rr.workspace_id, entry.id)
    await rr.run.record_item(key, result={**result, "text": text[:200]})
    return "sent"


async def _check_template(rr: RuleRun) -> None:
    template_id = rr.params.get("template_id")
    if template_id is None or not await templates.template_exists(rr.workspace_id, uuid.UUID(str(template_id))):
        raise JobFailed("The rule's message template was deleted; choose another template for the rule")


async def _rule_created_at(rr: RuleRun) -> datetime:
    row = (
        await scoped(AutomationRule, rr.workspace_id)
        .select(AutomationRule.created_at)
        .where(AutomationRule.id == rr.rule_id)
        .first()
    )
    return row["created_at"] if row is not None else utcnow()


def _tally(summary: dict[str, int], outcome: str) -> bool:
    """Count the outcome; False when the run must stop (the rule's cap)."""
    summary[outcome] = summary.get(outcome, 0) + 1
    return outcome != "capped"


async def message_new_followers(rr: RuleRun) -> Summary:
    """A message from the template to each follower who followed after the rule was made, once each."""
    await _check_template(rr)
    limit = _int(rr.params, "max_per_run", 20)
    since = await _rule_created_at(rr) - NEW_FOLLOWER_GRACE
    me = rr.session.username
    summary = {"sent": 0, "already_sent": 0, "waiting": 0, "capped": 0}
    followers = await platforms.my_followers(rr.session)
    for follower in followers:
        if summary["sent"] >= limit:
            break
        if follower.followed_at is not None and follower.followed_at < since:
            continue
        values = {"username": follower.username, "my_name": me}
        if not _tally(summary, await _send_once(rr, ledger.NEW_FOLLOWER, follower.username, "", values)):
            break
    return summary


def _money(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _discounted(price: Decimal | None, percent: Any) -> Decimal | None:
    if price is None or percent is None:
        return price
    return price * (Decimal(100) - Decimal(str(percent))) / Decimal(100)


async def message_likers(rr: RuleRun) -> Summary:
    """A message from the template to each user who liked one of my (unsold) items, once per user and item."""
    await _check_template(rr)
    limit = _int(rr.params, "max_per_run", 20)
    me = rr.session.username
    summary = {"sent": 0, "already_sent": 0, "waiting": 0, "capped": 0}
    for item in await platforms.my_listings(rr.session):
        if item.sold or summary["sent"] >= limit or summary["capped"]:
            continue
        values = {
            "item_title": item.title,
            "price": _money(item.price),
            "discount_price": _money(_discounted(item.price, rr.params.get("discount_percent"))),
            "my_name": me,
        }
        for liker in await platforms.likers_of(rr.session, item.item_id):
            if summary["sent"] >= limit:
                break
            if liker.username.casefold() == me.casefold():
                continue
            outcome = await _send_once(
                rr, ledger.LIKED_ITEM, liker.username, item.item_id, {**values, "username": liker.username}
            )
            if not _tally(summary, outcome):
                break
    return summary


# --- inbox ---------------------------------------------------------------------------


async def inbox_sync(rr: RuleRun) -> Summary:
    """Read the account's conversations into Sellpilot (unread counts, new messages)."""
    counts = await inbox.sync_account(rr.session, rr.workspace_id, rr.account_id)
    await rr.run.record_item(f"inbox:{rr.slot.isoformat()}", result={"target": "inbox", "action": "sync", **counts})
    return counts
