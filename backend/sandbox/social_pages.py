"""Pages about people: profiles, followers, following, follow buttons, and messages between two users."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from backend.sandbox.pages import (
    current_user,
    faults_of,
    form_field,
    redirect,
    render,
    require_user,
    store_of,
    user_or_404,
)
from backend.sandbox.store import MESSAGE_MAX, SYSTEM_USERNAME, Store, User

# --- users and follows -------------------------------------------------------


@get("/users/{username:str}")
async def profile(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = current_user(request)
    store = store_of(request)
    user = user_or_404(store, username)
    following = viewer is not None and store.is_following(viewer.id, user.id)
    return render(
        request,
        viewer,
        "profile.html",
        user=user,
        items=store.items_of(username),
        followers=len(store.followers(username)),
        following_count=len(store.following(username)),
        is_following=following,
    )


def _user_list(request: Request[Any, Any, Any], viewer: User | None, user: User, kind: str) -> Template:
    store = store_of(request)
    if kind == "follower":
        links, title = store.follower_links(user.username), "Followers"
    else:
        links, title = store.following_links(user.username), "Following"
    return render(request, viewer, "user_list.html", user=user, kind=kind, title=title, links=links)


@get("/users/{username:str}/followers")
async def followers(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = current_user(request)
    return _user_list(request, viewer, user_or_404(store_of(request), username), "follower")


@get("/users/{username:str}/following")
async def following(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = current_user(request)
    return _user_list(request, viewer, user_or_404(store_of(request), username), "following")


@get("/my/followers")
async def my_followers(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return _user_list(request, viewer, viewer, "follower")


@get("/my/following")
async def my_following(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return _user_list(request, viewer, viewer, "following")


@post("/users/{username:str}/follow")
async def follow(request: Request[Any, Any, Any], username: str) -> Redirect:
    viewer = require_user(request, f"/users/{username}")
    store = store_of(request)
    user = user_or_404(store, username)
    if user.id == viewer.id:
        return redirect(f"/users/{username}", "You can't follow yourself.")
    store.follow(viewer.id, user.id)
    return redirect(f"/users/{username}")


@post("/users/{username:str}/unfollow")
async def unfollow(request: Request[Any, Any, Any], username: str) -> Redirect:
    viewer = require_user(request, f"/users/{username}")
    store = store_of(request)
    user = user_or_404(store, username)
    store.unfollow(viewer.id, user.id)
    return redirect(f"/users/{username}")


# --- messages ----------------------------------------------------------------


@get("/messages")
async def inbox(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return render(request, viewer, "inbox.html", conversations=store_of(request).conversations(viewer.id))


def _partner(store: Store, viewer: User, username: str) -> User:
    other = user_or_404(store, username)
    if other.id == viewer.id:
        raise NotFoundException("You can't message yourself.")
    return other


@get("/messages/{username:str}")
async def conversation(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = require_user(request)
    store = store_of(request)
    other = _partner(store, viewer, username)
    messages = store.conversation(viewer.username, other.username)
    store.mark_read(viewer.id, other.id)
    return render(
        request, viewer, "conversation.html", other=other, messages=messages, body="", error=None, system=_system(other)
    )


def _system(user: User) -> bool:
    """The shop's own account: it writes order notices and reads no replies."""
    return user.username == SYSTEM_USERNAME


@post("/messages/{username:str}")
async def send_message(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    viewer = require_user(request, f"/messages/{username}")
    store = store_of(request)
    other = _partner(store, viewer, username)
    form = await request.form()
    body = form_field(form, "body").strip()
    error = None
    if _system(other):
        error = f"{SYSTEM_USERNAME} is the shop's own account: it does not read replies."
    elif not body:
        error = "Write a message first."
    elif len(body) > MESSAGE_MAX:
        error = f"Messages are at most {MESSAGE_MAX} characters."
    if error:
        messages = store.conversation(viewer.username, other.username)
        return render(
            request,
            viewer,
            "conversation.html",
            other=other,
            messages=messages,
            body=body,
            error=error,
            system=_system(other),
        )
    store.send_message(viewer.id, other.id, body)
    faults = faults_of(request)
    if faults.drop_next_message:
        # The message is sent, but the answer never arrives in time.
        faults.drop_next_message = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return redirect(f"/messages/{username}")


ROUTES = [
    profile,
    followers,
    following,
    my_followers,
    my_following,
    follow,
    unfollow,
    inbox,
    conversation,
    send_message,
]
