"""The control API under `/__control/`: tests and demos arrange and inspect the sandbox; drivers never use it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, ValidationException

from backend.sandbox.gallery import MAX_COUNT, add_gallery
from backend.sandbox.pages import Faults, faults_of, flavour_of, store_of, user_or_404
from backend.sandbox.seed import PASSWORD, seed
from backend.sandbox.store import (
    Item,
    Store,
    StoreError,
    cached_password_hash,
    check_username,
    iso,
    parse_price,
    utcnow,
)


@post("/__control/reset", status_code=200)
async def control_reset(request: Request[Any, Any, Any]) -> dict[str, Any]:
    seed(store_of(request), flavour_of(request))
    request.app.state.faults = Faults()
    return {"ok": True}


@post("/__control/users", status_code=201)
async def control_create_user(request: Request[Any, Any, Any], data: dict[str, Any]) -> Response[dict[str, Any]]:
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    store = store_of(request)
    try:
        check_username(username)  # before "exists": the shop's own account is reserved, not merely taken
    except StoreError as exc:
        return Response({"detail": str(exc)}, status_code=400)
    if store.user(username) is not None:
        return Response({"detail": "exists"}, status_code=409)
    if not password:
        return Response({"detail": "password is required"}, status_code=400)
    try:
        user = await asyncio.to_thread(store.create_user, username, password)
    except StoreError as exc:
        return Response({"detail": str(exc)}, status_code=400)
    return Response({"id": user.id, "username": user.username}, status_code=201)


@post("/__control/users/{username:str}/challenge", status_code=200)
async def control_challenge(request: Request[Any, Any, Any], username: str, data: dict[str, Any]) -> dict[str, Any]:
    if not store_of(request).set_challenge(username, bool(data.get("enabled", True))):
        raise NotFoundException("No such user.")
    return {"ok": True}


@post("/__control/users/{username:str}/expire-sessions", status_code=200)
async def control_expire(request: Request[Any, Any, Any], username: str) -> dict[str, Any]:
    store = store_of(request)
    user_or_404(store, username)
    return {"deleted": store.expire_sessions(username)}


@post("/__control/faults", status_code=200)
async def control_faults(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    faults = faults_of(request)
    if "drop_next_publish" in data:
        faults.drop_next_publish = bool(data["drop_next_publish"])
    if "drop_next_delete" in data:
        faults.drop_next_delete = bool(data["drop_next_delete"])
    if "drop_next_message" in data:
        faults.drop_next_message = bool(data["drop_next_message"])
    if "drop_next_post" in data:
        faults.drop_next_post = bool(data["drop_next_post"])
    if "drop_next_board" in data:
        faults.drop_next_board = bool(data["drop_next_board"])
    if "hang_seconds" in data:
        faults.hang_seconds = max(0.0, float(data["hang_seconds"]))
    if "fail_path" in data:
        # {fail_path: "/feed?q=cats&page=2" or "/feed", fail_count: N}: the next N such requests answer 500.
        faults.fail_paths[str(data["fail_path"])] = max(0, int(data.get("fail_count", 1)))
    return {
        "drop_next_publish": faults.drop_next_publish,
        "drop_next_delete": faults.drop_next_delete,
        "drop_next_message": faults.drop_next_message,
        "drop_next_post": faults.drop_next_post,
        "drop_next_board": faults.drop_next_board,
        "hang_seconds": faults.hang_seconds,
        "fail_paths": {path: left for path, left in faults.fail_paths.items() if left > 0},
    }


@get("/__control/items")
async def control_items(request: Request[Any, Any, Any], seller: str | None = None) -> list[dict[str, Any]]:
    store = store_of(request)
    rows = store.items_of(seller) if seller else store.all_items()
    return [item.as_json() for item in rows]


@get("/__control/messages")
async def control_messages(request: Request[Any, Any, Any], between: str) -> list[dict[str, Any]]:
    a, _, b = between.partition(",")
    return [m.as_json() for m in store_of(request).conversation(a.strip(), b.strip())]


@get("/__control/follows")
async def control_follows(request: Request[Any, Any, Any], username: str) -> dict[str, list[str]]:
    store = store_of(request)
    return {"followers": store.followers(username), "following": store.following(username)}


def _ago(data: dict[str, Any]) -> str | None:
    """`days_ago` in a control request → the time that long ago (None: now)."""
    days = data.get("days_ago")
    return iso(utcnow() - timedelta(days=float(days))) if days is not None else None


def _item_of(request: Request[Any, Any, Any], item_id: int) -> Item:
    item = store_of(request).item(item_id)
    if item is None:
        raise NotFoundException("No such listing.")
    return item


@post("/__control/likes", status_code=200)
async def control_like(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """{username, item_id, days_ago?, like?: false to unlike}: another user likes (or unlikes) an item."""
    store = store_of(request)
    user = user_or_404(store, str(data.get("username", "")))
    item = _item_of(request, int(data.get("item_id", 0)))
    if data.get("like", True):
        store.like(user.id, item.id, at=_ago(data))
    else:
        store.unlike(user.id, item.id)
    return {"likers": [link.username for link in store.likers(item.id)]}


@post("/__control/follows", status_code=200)
async def control_follow(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """{follower, followee, days_ago?, follow?: false to unfollow}: one user follows (or unfollows) another.

    With `days_ago` an existing follow is re-dated (to age the follows an automation made).
    """
    store = store_of(request)
    follower = user_or_404(store, str(data.get("follower", "")))
    followee = user_or_404(store, str(data.get("followee", "")))
    if data.get("follow", True):
        store.follow(follower.id, followee.id, at=_ago(data))
    else:
        store.unfollow(follower.id, followee.id)
    return {"following": store.is_following(follower.id, followee.id)}


@get("/__control/follow-links")
async def control_follow_links(request: Request[Any, Any, Any], username: str) -> dict[str, Any]:
    """A user's followers and followees with the follow dates (oldest first) and whether it is mutual."""
    store = store_of(request)
    user_or_404(store, username)
    return {
        "followers": [vars(link) for link in store.follower_links(username)],
        "following": [vars(link) for link in store.following_links(username)],
    }


@post("/__control/messages", status_code=201)
async def control_send(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """{sender, recipient, body, days_ago?}: a message from one user to another (unread until opened)."""
    store = store_of(request)
    sender = user_or_404(store, str(data.get("sender", "")))
    recipient = user_or_404(store, str(data.get("recipient", "")))
    body = str(data.get("body", "")).strip()
    if not body:
        raise ValidationException("body is required")
    return {"id": store.send_message(sender.id, recipient.id, body, at=_ago(data))}


@get("/__control/inbox")
async def control_inbox(request: Request[Any, Any, Any], username: str) -> list[dict[str, Any]]:
    """A user's conversations as their inbox shows them (latest first, unread counts)."""
    store = store_of(request)
    user = user_or_404(store, username)
    return [c.as_json() for c in store.conversations(user.id)]


@post("/__control/items/{item_id:int}/age", status_code=200)
async def control_age(request: Request[Any, Any, Any], item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """{days}: the item was listed (and last bumped) that many days earlier."""
    store = store_of(request)
    if not store.age_item(item_id, float(data.get("days", 0))):
        raise NotFoundException("No such listing.")
    return _item_of(request, item_id).as_json()


@post("/__control/items/{item_id:int}/sold", status_code=200)
async def control_sold(request: Request[Any, Any, Any], item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """{sold?: true}: mark the item sold (or not)."""
    if not store_of(request).set_sold(item_id, bool(data.get("sold", True))):
        raise NotFoundException("No such listing.")
    return _item_of(request, item_id).as_json()


@post("/__control/items/{item_id:int}/buy", status_code=201)
async def control_buy(request: Request[Any, Any, Any], item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """{buyer, price?, days_ago?}: a user buys the item (at its price unless `price`, an accepted offer).

    The item shows as sold on the seller's listings and its page, the sale in the seller's "my sales", and the
    shop's order notice (from its own account, `orders`) in the seller's messages.
    """
    store = store_of(request)
    buyer = user_or_404(store, str(data.get("buyer", "")))
    _item_of(request, item_id)
    try:
        cents = parse_price(str(data["price"])) if data.get("price") is not None else None
        sale = store.buy(item_id, buyer.id, shop=flavour_of(request).name, price_cents=cents, at=_ago(data))
    except StoreError as exc:
        raise ValidationException(str(exc)) from None
    return sale.as_json()


@post("/__control/items/{item_id:int}/stats", status_code=200)
async def control_item_stats(request: Request[Any, Any, Any], item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """{views?, likes?, days_ago?}: that many more visits and likes by others (call it again later: over time).

    Likes come from users who do not like the item yet, seeded ones first, then shoppers
    (`shopper-1`… with the seed password) made as needed, so its likers page names each of them.
    """
    try:
        views, likes = int(data.get("views", 0)), int(data.get("likes", 0))
    except (TypeError, ValueError):
        raise ValidationException("views and likes must be whole numbers") from None
    if not 0 <= views <= 100_000 or not 0 <= likes <= 100:
        raise ValidationException("views (0 to 100000) and likes (0 to 100) are added: they cannot be negative")
    store = store_of(request)
    item = _item_of(request, item_id)
    if views:
        store.count_view(item.id, views)
    at = _ago(data)
    for user_id in await asyncio.to_thread(_likers_to_be, store, item.id, likes):
        store.like(user_id, item.id, at=at)
    return _item_of(request, item_id).as_json()


def _likers_to_be(store: Store, item_id: int, count: int) -> list[int]:
    """`count` users who can like the item: existing ones first, then new shoppers."""
    chosen = store.not_liking(item_id, count)
    number = 0
    while len(chosen) < count:
        number += 1
        name = f"shopper-{number}"
        if store.user(name) is None:
            chosen.append(store.create_user(name, PASSWORD, password_hash=cached_password_hash(name, PASSWORD)).id)
    return chosen


@get("/__control/posts")
async def control_posts(request: Request[Any, Any, Any], author: str) -> list[dict[str, Any]]:
    """A user's posts, newest first, with their whole captions and counters."""
    store = store_of(request)
    user_or_404(store, author)
    return [p.as_json() for p in store.posts_of(author)]


@post("/__control/posts/{post_id:int}/stats", status_code=200)
async def control_post_stats(request: Request[Any, Any, Any], post_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """{views?, likes?}: add that many views and likes to a post (others watching and liking it)."""
    try:
        views, likes = int(data.get("views", 0)), int(data.get("likes", 0))
    except (TypeError, ValueError):
        raise ValidationException("views and likes must be whole numbers") from None
    if views < 0 or likes < 0:
        raise ValidationException("views and likes are added: they cannot be negative")
    store = store_of(request)
    if not store.add_post_stats(post_id, views=views, likes=likes):
        raise NotFoundException("No such post.")
    found = store.post(post_id)
    assert found is not None
    return found.as_json()


@post("/__control/gallery", status_code=201)
async def control_gallery(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    """{keyword, count, exact_share?, near_share?, seed?, seller?}: list `count` items with generated pictures.

    Shares are fractions of `count` (0.1 = one in ten): exact copies of an earlier item's picture and
    re-encoded ones (near-duplicates). The answer says which item repeats which.
    """
    store = store_of(request)
    seller = user_or_404(store, str(data.get("seller", "dave")))
    keyword = str(data.get("keyword", "")).strip()
    if not keyword:
        raise ValidationException("keyword is required")
    try:
        count = int(data.get("count", 0))
        exact, near = float(data.get("exact_share", 0)), float(data.get("near_share", 0))
        seed_value = int(data.get("seed", 0))
    except (TypeError, ValueError):
        raise ValidationException("count and seed must be whole numbers, the shares fractions") from None
    if not 1 <= count <= MAX_COUNT or exact < 0 or near < 0:
        raise ValidationException(f"count must be 1 to {MAX_COUNT} and the shares at least 0")
    try:
        made = await asyncio.to_thread(
            add_gallery, store, seller.id, keyword, count, exact_share=exact, near_share=near, seed=seed_value
        )
    except ValueError as exc:
        raise ValidationException(str(exc)) from None
    return made.as_json()


@get("/__control/boards")
async def control_boards(request: Request[Any, Any, Any], username: str) -> list[dict[str, Any]]:
    """A user's boards, oldest first, each with the ids of what is saved on it."""
    store = store_of(request)
    user_or_404(store, username)
    return [{**b.as_json(), "item_ids": store.saved_item_ids(b.id)} for b in store.boards_of(username)]


ROUTES = [
    control_gallery,
    control_boards,
    control_reset,
    control_create_user,
    control_challenge,
    control_expire,
    control_faults,
    control_items,
    control_messages,
    control_follows,
    control_like,
    control_follow,
    control_follow_links,
    control_send,
    control_inbox,
    control_age,
    control_sold,
    control_buy,
    control_item_stats,
    control_posts,
    control_post_stats,
]
