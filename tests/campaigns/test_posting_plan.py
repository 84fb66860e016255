"""Who posts what and when, as pure functions: the three strategies, the schedule, bad input."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from backend.campaigns.posting.plan import (
    PlanAccount,
    PlanPost,
    account_slots,
    assign,
    make_plan,
    new_seed,
)
from backend.campaigns.schemas import Schedule
from backend.core.errors import InvalidInput

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ACCOUNTS = [PlanAccount(uuid.uuid4(), f"user{i}", "sandbox") for i in range(3)]
POSTS = [PlanPost(uuid.uuid4(), position) for position in range(9)]


def _per_account(pairs: list[tuple[PlanPost, PlanAccount]]) -> Counter[str]:
    return Counter(account.label for _, account in pairs)


def test_round_robin_deals_nine_posts_three_to_each_account_in_order() -> None:
    pairs = assign(list(reversed(POSTS)), ACCOUNTS, "round_robin")
    assert [post.position for post, _ in pairs] == list(range(9))
    assert [account.label for _, account in pairs] == ["user0", "user1", "user2"] * 3
    assert _per_account(pairs) == {"user0": 3, "user1": 3, "user2": 3}


def test_least_used_prefers_the_idle_account() -> None:
    busy = {ACCOUNTS[0].id: 5, ACCOUNTS[1].id: 4}
    pairs = assign(POSTS, ACCOUNTS, "least_used", recent=busy)
    labels = [account.label for _, account in pairs]
    # user2 had nothing in the last 24 h: it takes posts until it catches up with user1 (4), then ties
    # go in account order.
    assert labels[:4] == ["user2"] * 4
    assert labels[4:] == ["user1", "user2", "user0", "user1", "user2"]
    assert _per_account(pairs) == {"user2": 6, "user1": 2, "user0": 1}


def test_random_is_replayed_by_its_recorded_seed() -> None:
    seed = new_seed()
    first = [account.id for _, account in assign(POSTS, ACCOUNTS, "random", seed=seed)]
    again = [account.id for _, account in assign(POSTS, ACCOUNTS, "random", seed=seed)]
    assert first == again
    draws = {tuple(account.id for _, account in assign(POSTS, ACCOUNTS, "random", seed=s)) for s in range(1, 30)}
    assert len(draws) > 1  # a different seed draws differently


def test_posts_are_spaced_per_account_inside_the_active_hours_and_the_daily_cap() -> None:
    timing = Schedule(active_from="09:00", active_to="12:00", spacing_minutes=60, posts_per_account_per_day=2)
    slots = make_plan(POSTS, ACCOUNTS, "round_robin", timing, NOW)
    user0 = [slot.at for slot in slots if slot.account_id == ACCOUNTS[0].id]
    # 10:00, 11:00 today (the cap of 2), then 09:00 tomorrow.
    assert user0 == [NOW, NOW + timedelta(hours=1), datetime(2026, 12, 2, 9, 0, tzinfo=UTC)]
    # Every account starts now: the accounts post side by side.
    assert {slot.at for slot in slots[:3]} == {NOW}


def test_the_window_and_the_day_are_the_campaigns_time_zone() -> None:
    # 08:00 to 09:00 in Paris is 07:00 to 08:00 UTC in winter; NOW (10:00 UTC) is after it: tomorrow 07:00 UTC.
    timing = Schedule(active_from="08:00", active_to="09:00", timezone="Europe/Paris", spacing_minutes=30)
    times = account_slots([None, None, None], timing, NOW)
    tomorrow = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    assert times == [tomorrow, tomorrow + timedelta(minutes=30), datetime(2026, 12, 3, 7, 0, tzinfo=UTC)]


def test_a_start_time_in_the_future_is_the_first_slot() -> None:
    later = NOW + timedelta(days=1, minutes=17)
    slots = make_plan(POSTS[:1], ACCOUNTS, "round_robin", Schedule(starts_at=later), NOW)
    assert slots[0].at == later


def test_a_wanted_time_is_kept_when_it_fits_else_moved_after_the_previous_post() -> None:
    timing = Schedule(spacing_minutes=60, posts_per_account_per_day=10)
    wanted = [NOW - timedelta(hours=2), NOW + timedelta(hours=5), NOW + timedelta(hours=5, minutes=30)]
    times = account_slots(wanted, timing, NOW)
    assert times == [NOW, NOW + timedelta(hours=5), NOW + timedelta(hours=6)]


@pytest.mark.parametrize(
    ("strategy", "schedule", "accounts", "posts", "field"),
    [
        ("most_liked", Schedule(), ACCOUNTS, POSTS, "strategy"),
        ("round_robin", Schedule(active_from="18:00", active_to="09:00"), ACCOUNTS, POSTS, "schedule.active_to"),
        ("round_robin", Schedule(active_from="09:00", active_to="09:00"), ACCOUNTS, POSTS, "schedule.active_to"),
        ("round_robin", Schedule(active_from="9h"), ACCOUNTS, POSTS, "schedule.active_from"),
        ("round_robin", Schedule(starts_at=datetime(2026, 12, 2)), ACCOUNTS, POSTS, "schedule.starts_at"),
        ("round_robin", Schedule(timezone="Mars/Olympus"), ACCOUNTS, POSTS, "schedule.timezone"),
        ("round_robin", Schedule(), [], POSTS, "targeting"),
        ("least_used", Schedule(), ACCOUNTS, [], "posts"),
    ],
)
def test_bad_input_names_the_field(
    strategy: str, schedule: Schedule, accounts: list[PlanAccount], posts: list[PlanPost], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_plan(posts, accounts, strategy, schedule, NOW, seed=1)
    assert caught.value.field == field
    assert caught.value.detail.startswith(f"{field}: ")
