"""The control API under `/__control/`: tests and demos arrange and inspect the sandbox; drivers never use it."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from backend.sandbox.pages import Faults, faults_of, store_of, user_or_404
from backend.sandbox.seed import seed
from backend.sandbox.store import StoreError


@post("/__control/reset", status_code=200)
async def control_reset(request: Request[Any, Any, Any]) -> dict[str, Any]:
    seed(store_of(request))
    request.app.state.faults = Faults()
    return {"ok": True}


@post("/__control/users", status_code=201)
async def control_create_user(request: Request[Any, Any, Any], data: dict[str, Any]) -> Response[dict[str, Any]]:
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    store = store_of(request)
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
    if "hang_seconds" in data:
        faults.hang_seconds = max(0.0, float(data["hang_seconds"]))
    return {"drop_next_publish": faults.drop_next_publish, "hang_seconds": faults.hang_seconds}


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


ROUTES = [
    control_reset,
    control_create_user,
    control_challenge,
    control_expire,
    control_faults,
    control_items,
    control_messages,
    control_follows,
]
