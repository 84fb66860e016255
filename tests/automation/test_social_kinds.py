"""The social kinds end to end: a rule run through the API by the jobs engine driving real Chromium on the sandbox.

What changed is asserted on the sandbox itself (its control API): who follows
whom, and each message in the recipient's inbox exactly once even when the
rule runs twice; plus the run's job items and the ledger.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.automation.social_helpers import (  # noqa: F401 - on_the_sandbox is a fixture
    control,
    items,
    on_the_sandbox,
    owner,
    platform_account,
    rule,
    run_now,
    sandbox_user,
    summary,
    template,
)
from tests.platforms.conftest import Sandbox

# Several browser runs per test, on a machine that may be busy: generous, but bounded.
pytestmark = pytest.mark.timeout(480)


async def _following(sandbox: Sandbox, username: str) -> set[str]:
    return set((await sandbox.follows(username))["following"])


async def _follow(sandbox: Sandbox, follower: str, followee: str, days_ago: float | None = None) -> None:
    body: dict[str, Any] = {"follower": follower, "followee": followee}
    if days_ago is not None:
        body["days_ago"] = days_ago
    await control(sandbox, "POST", "/__control/follows", json=body)


@pytest.mark.usefixtures("on_the_sandbox")
async def test_follow_followers_of_a_user_skips_those_already_followed(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    me = await sandbox_user(sandbox, "fan")
    star = await sandbox_user(sandbox, "star")
    fans = [await sandbox_user(sandbox, f"f{i}") for i in range(4)]
    for fan in fans:
        await _follow(sandbox, fan, star)
    await _follow(sandbox, me, fans[0])  # already followed: skipped, no action spent
    person = await owner(client)
    account = await platform_account(client, person, me)
    rule_id = await rule(client, person, account, "follow", source="followers_of", username=star, max_per_run=2)

    first = await run_now(app, client, person, rule_id)
    assert summary(first)["followed"] == 2
    assert summary(first)["already_following"] >= 1
    after_first = await _following(sandbox, me)
    assert fans[0] in after_first
    assert len(after_first & set(fans)) == 3
    recorded = await items(client, person, first)
    assert sorted(i["result"]["target"] for i in recorded) == sorted((after_first & set(fans)) - {fans[0]})
    assert {i["result"]["action"] for i in recorded} == {"follow"}

    second = await run_now(app, client, person, rule_id)
    assert summary(second)["followed"] == 1
    assert await _following(sandbox, me) >= set(fans)
    assert star not in await _following(sandbox, me)


@pytest.mark.usefixtures("on_the_sandbox")
async def test_follow_likers_of_my_items_and_feed_search(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    person = await owner(client)
    # alice (the seed's seller) already follows bob, who liked her denim jacket; carol liked it too.
    jacket = next(i for i in await sandbox.items("alice") if i["title"] == "Vintage denim jacket")
    liker = await sandbox_user(sandbox, "liker")
    await control(sandbox, "POST", "/__control/likes", json={"username": liker, "item_id": jacket["id"]})
    alice = await platform_account(client, person, "alice")
    likers_rule = await rule(client, person, alice, "follow", source="likers_of_my_items")
    run = await run_now(app, client, person, likers_rule)
    following = await _following(sandbox, "alice")
    assert {"bob", "carol", liker} <= following
    targets = {i["result"]["target"] for i in await items(client, person, run)}
    assert liker in targets
    assert "carol" in targets
    assert "bob" not in targets  # already followed before the run
    assert "alice" not in targets

    searcher = await sandbox_user(sandbox, "searcher")
    account = await platform_account(client, person, searcher)
    search_rule = await rule(client, person, account, "follow", source="feed_search", query="film camera")
    await run_now(app, client, person, search_rule)
    assert await _following(sandbox, searcher) == {"dave"}  # the seller of the film cameras


@pytest.mark.usefixtures("on_the_sandbox")
async def test_unfollow_only_nonfollowers_followed_long_enough(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    me = await sandbox_user(sandbox, "me")
    old_silent, old_mutual, recent_silent = [await sandbox_user(sandbox, p) for p in ("olds", "oldm", "news")]
    await _follow(sandbox, me, old_silent, days_ago=10)
    await _follow(sandbox, me, old_mutual, days_ago=10)
    await _follow(sandbox, old_mutual, me, days_ago=9)
    await _follow(sandbox, me, recent_silent, days_ago=1)
    person = await owner(client)
    account = await platform_account(client, person, me)
    rule_id = await rule(client, person, account, "unfollow_nonfollowers", followed_more_than_days=7)

    run = await run_now(app, client, person, rule_id)
    assert await _following(sandbox, me) == {old_mutual, recent_silent}
    assert summary(run)["unfollowed"] == 1
    recorded = await items(client, person, run)
    assert [(i["result"]["target"], i["result"]["action"]) for i in recorded] == [(old_silent, "unfollow")]
    again = await run_now(app, client, person, rule_id)
    assert summary(again)["unfollowed"] == 0
    assert await _following(sandbox, me) == {old_mutual, recent_silent}


def _mine(messages: list[dict[str, Any]], sender: str, text: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["sender"] == sender and m["body"] == text]


@pytest.mark.usefixtures("on_the_sandbox")
async def test_message_new_followers_once_each_even_when_run_twice(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    shop = await sandbox_user(sandbox, "shop")
    old_fan = await sandbox_user(sandbox, "oldfan")
    await _follow(sandbox, old_fan, shop, days_ago=30)  # followed before the rule: not "new"
    person = await owner(client)
    account = await platform_account(client, person, shop)
    template_id = await template(client, person, "Welcome {username}! Greetings from {my_name}.")
    rule_id = await rule(client, person, account, "message_new_followers", template_id=template_id)
    fans = [await sandbox_user(sandbox, f"nf{i}") for i in range(2)]
    for fan in fans:
        await _follow(sandbox, fan, shop)

    first = await run_now(app, client, person, rule_id)
    assert summary(first)["sent"] == 2
    second = await run_now(app, client, person, rule_id)
    assert summary(second)["sent"] == 0
    assert summary(second)["already_sent"] == 2
    for fan in fans:
        thread = await sandbox.messages(shop, fan)
        assert len(_mine(thread, shop, f"Welcome {fan}! Greetings from {shop}.")) == 1, thread
        assert len(thread) == 1
    assert await sandbox.messages(shop, old_fan) == []

    ledger = (await client.get("/api/v1/automation/ledger", headers=person.headers, params={"rule_id": rule_id})).json()
    assert sorted(e["recipient"] for e in ledger["items"]) == sorted(fans)
    assert {(e["trigger"], e["status"], e["subject"]) for e in ledger["items"]} == {("new_follower", "sent", "")}


@pytest.mark.usefixtures("on_the_sandbox")
async def test_message_likers_once_per_user_and_item_with_the_discount(
    client: httpx.AsyncClient,
    app: Any,
    sandbox: Sandbox,
) -> None:
    person = await owner(client)
    bystander = await sandbox_user(sandbox, "nobody")  # liked nothing: never messaged
    # alice (the seed's seller): bob and carol liked her denim jacket; a new user likes it too.
    jacket = next(i for i in await sandbox.items("alice") if i["title"] == "Vintage denim jacket")
    fan = await sandbox_user(sandbox, "likes")
    await control(sandbox, "POST", "/__control/likes", json={"username": fan, "item_id": jacket["id"]})
    alice = await platform_account(client, person, "alice")
    body = "Hi {username}, {item_title} is yours for {discount_price} instead of {price}. {my_name}"
    template_id = await template(client, person, body)
    rule_id = await rule(
        client, person, alice, "message_likers", template_id=template_id, discount_percent=10, max_per_run=50
    )

    await run_now(app, client, person, rule_id)
    await run_now(app, client, person, rule_id)
    for recipient in (fan, "carol", "bob"):
        text = f"Hi {recipient}, Vintage denim jacket is yours for 40.50 instead of 45.00. alice"
        assert len(_mine(await sandbox.messages("alice", recipient), "alice", text)) == 1, recipient
    assert await sandbox.messages("alice", bystander) == []
    ledger = (
        await client.get(
            "/api/v1/automation/ledger", headers=person.headers, params={"trigger": "liked_item", "limit": 100}
        )
    ).json()
    jacket_entries = [e for e in ledger["items"] if e["subject"] == str(jacket["id"])]
    assert sorted(e["recipient"] for e in jacket_entries) == sorted([fan, "carol", "bob"])
    assert all(e["status"] == "sent" for e in jacket_entries)
