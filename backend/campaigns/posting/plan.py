"""Who posts what and when: pure functions (no database, no clock of their own).

`start`, the plan preview, resume and retry all go through here, so the preview is
exactly what `start` does with the same inputs.

- Assignment follows the posts' position order. `round_robin` deals them out in
  the accounts' order; `random` draws each post's account with `random.Random(seed)`
  (the seed is recorded on the campaign, so the same seed replays the same draw);
  `least_used` gives each post to the account with the fewest posts in the last
  24 hours (counting the posts assigned so far), ties going to the earlier account.
- Schedule, per account: slots from max(starts_at, now), `spacing_minutes` apart,
  only inside the active hours of the campaign's time zone, at most
  `posts_per_account_per_day` per account and local day, counting the account's posts
  in the workspace's other campaigns too (`taken`). Active hours that would
  cross midnight (22:00 to 02:00) are refused with a clear reason: one window per local
  day keeps "per day" meaning one thing.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from backend.campaigns import service as core
from backend.campaigns.schemas import Schedule
from backend.campaigns.tables import Strategy
from backend.core.errors import InvalidInput
from backend.core.hours import parse_hhmm, zone

# Enough distinct draws, and small enough to stay exact in JavaScript numbers.
SEED_RANGE = 2**31


@dataclass(frozen=True)
class PlanAccount:
    id: uuid.UUID
    label: str
    platform: str


@dataclass(frozen=True)
class PlanPost:
    id: uuid.UUID
    position: int


@dataclass(frozen=True)
class Slot:
    post_id: uuid.UUID
    account_id: uuid.UUID
    at: datetime


def check_strategy(name: str) -> Strategy:
    try:
        return Strategy(name)
    except ValueError:
        choices = ", ".join(s.value for s in Strategy)
        raise InvalidInput("strategy", f"{name!r} is not a strategy; use one of {choices}") from None


def new_seed() -> int:
    """A fresh seed for the `random` strategy (recorded on the campaign at start)."""
    return random.SystemRandom().randrange(1, SEED_RANGE)


def assign(
    posts: Sequence[PlanPost],
    accounts: Sequence[PlanAccount],
    strategy: str,
    *,
    seed: int | None = None,
    recent: Mapping[uuid.UUID, int] | None = None,
) -> list[tuple[PlanPost, PlanAccount]]:
    """Each post (in position order) with the account that posts it.

    `seed` is required for `random`; `recent` (posts per account in the last 24 h) is
    used by `least_used` (an account missing from it has none).
    """
    chosen = check_strategy(strategy)
    if not accounts:
        raise InvalidInput("targeting", "no account matches the campaign's targeting")
    ordered = sorted(posts, key=lambda post: post.position)
    if chosen is Strategy.round_robin:
        return [(post, accounts[index % len(accounts)]) for index, post in enumerate(ordered)]
    if chosen is Strategy.random:
        if seed is None:
            raise ValueError("the random strategy needs its seed")
        draw = random.Random(seed)  # noqa: S311 - a replayable draw, not a secret
        return [(post, draw.choice(accounts)) for post in ordered]
    counts = [(recent or {}).get(account.id, 0) for account in accounts]
    pairs = []
    for post in ordered:
        index = min(range(len(accounts)), key=lambda i: (counts[i], i))
        counts[index] += 1
        pairs.append((post, accounts[index]))
    return pairs


def account_slots(
    wanted: Sequence[datetime | None],
    schedule: Schedule,
    start: datetime,
    taken: Mapping[date, int] | None = None,
) -> list[datetime]:
    """One account's times for its posts in order, from `start`.

    A post's wanted time is kept when it is at least one spacing after the previous
    post, inside the active hours and on a day with room; otherwise (or when None) it
    gets the next free slot. `taken` counts the account's posts already made per local day.
    """
    spacing = timedelta(minutes=schedule.spacing_minutes)
    per_day = dict(taken or {})
    cursor = _trim(start)
    times: list[datetime] = []
    for wish in wanted:
        at = _trim(wish) if wish is not None else None
        if at is None or at < cursor or not _fits(at, schedule, per_day):
            at = _next_free(cursor, schedule, per_day)
        day = _local_day(schedule, at)
        per_day[day] = per_day.get(day, 0) + 1
        times.append(at)
        cursor = at + spacing
    return times


def schedule_posts(
    pairs: Sequence[tuple[PlanPost, PlanAccount]],
    schedule: Schedule,
    now: datetime,
    *,
    taken: Mapping[uuid.UUID, Mapping[date, int]] | None = None,
) -> list[Slot]:
    """Times for assigned posts (each account from max(starts_at, now)), in the posts' order."""
    start = max(schedule.starts_at, now) if schedule.starts_at is not None else now
    by_account: dict[uuid.UUID, list[PlanPost]] = {}
    for post, account in pairs:
        by_account.setdefault(account.id, []).append(post)
    times: dict[uuid.UUID, datetime] = {}
    for account_id, posts in by_account.items():
        slots = account_slots([None] * len(posts), schedule, start, (taken or {}).get(account_id))
        times.update(zip((post.id for post in posts), slots, strict=True))
    return [Slot(post.id, account.id, times[post.id]) for post, account in pairs]


def make_plan(
    posts: Sequence[PlanPost],
    accounts: Sequence[PlanAccount],
    strategy: str,
    schedule: Schedule,
    now: datetime,
    *,
    seed: int | None = None,
    recent: Mapping[uuid.UUID, int] | None = None,
    taken: Mapping[uuid.UUID, Mapping[date, int]] | None = None,
) -> list[Slot]:
    """Validate, assign and schedule: what `start` does (InvalidInput naming the field otherwise).

    `taken`: per account, its posts already made or scheduled per local day (in every campaign), which
    the daily cap counts too.
    """
    check_strategy(strategy)
    core.check_schedule(schedule)
    if not accounts:
        raise InvalidInput("targeting", "no account matches the campaign's targeting; change its filters")
    if not posts:
        raise InvalidInput("posts", "no post is ready to publish; write or generate posts first")
    return schedule_posts(assign(posts, accounts, strategy, seed=seed, recent=recent), schedule, now, taken=taken)


def _fits(at: datetime, schedule: Schedule, per_day: Mapping[date, int]) -> bool:
    room = per_day.get(_local_day(schedule, at), 0) < schedule.posts_per_account_per_day
    return room and _next_opening(schedule, at) == at


def _next_free(cursor: datetime, schedule: Schedule, per_day: Mapping[date, int]) -> datetime:
    at = _trim(_next_opening(schedule, cursor))
    # A full day moves on to the next day's opening; bounded, so bad data can never spin.
    for _ in range(3660):
        if per_day.get(_local_day(schedule, at), 0) < schedule.posts_per_account_per_day:
            return at
        at = _trim(_opening_of(schedule, _local_day(schedule, at) + timedelta(days=1)))
    raise InvalidInput("schedule", "no free slot in the next ten years")


def _local_day(schedule: Schedule, when: datetime) -> date:
    return when.astimezone(zone(schedule.timezone)).date()


def _at(schedule: Schedule, day: date, minutes: int) -> datetime:
    """Local `day` at `minutes` after midnight, in UTC (24:00 is the next day's midnight)."""
    local = datetime.combine(day, time(0), tzinfo=zone(schedule.timezone)) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def _opening_of(schedule: Schedule, day: date) -> datetime:
    """When the active hours of local `day` open (UTC)."""
    return _at(schedule, day, parse_hhmm(schedule.active_from))


def _next_opening(schedule: Schedule, when: datetime) -> datetime:
    """`when` if inside its day's active hours, else the next moment they open (UTC)."""
    day = _local_day(schedule, when)
    opens = _opening_of(schedule, day)
    if when < opens:
        return opens
    if when < _at(schedule, day, parse_hhmm(schedule.active_to, allow_end_of_day=True)):
        return when
    return _opening_of(schedule, day + timedelta(days=1))


def _trim(when: datetime) -> datetime:
    """Whole seconds in UTC (a naive time is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)
