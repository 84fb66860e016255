"""Boards and the image pages a collector crawls: search in stable pages, more like this, more ideas for a board.

A signed-in user makes boards, saves items to them from an item's page, and
reads "more ideas" for a board (items sharing tags, a category or a brand with
what it holds). The paged lists show `IMAGE_PAGE_SIZE` items a page; a page
past the end is an empty list, not an error.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template

from backend.sandbox.pages import (
    current_user,
    faults_of,
    form_field,
    item_or_404,
    redirect,
    render,
    require_user,
    store_of,
    user_or_404,
)
from backend.sandbox.store import Board, Item, Store, StoreError, validate_board_name

IMAGE_PAGE_SIZE = 20


def _board_or_404(store: Store, board_id: int) -> Board:
    board = store.board(board_id)
    if board is None:
        raise NotFoundException("No such board.")
    return board


def _paged(
    request: Request[Any, Any, Any], rows: list[Item], page: int, path: str, heading: str, **params: str
) -> Template:
    """A page of image cards (`rows` holds one more than a page when there is a next one) with its pager."""

    def link(number: int) -> str:
        return path + "?" + urlencode({**params, "page": number})

    return render(
        request,
        current_user(request),
        "images.html",
        heading=heading,
        items=rows[:IMAGE_PAGE_SIZE],
        page=page,
        next_url=link(page + 1) if len(rows) > IMAGE_PAGE_SIZE else None,
        prev_url=link(page - 1) if page > 1 else None,
        params=params,
        path=path,
    )


def _offset(page: int) -> int:
    return (max(1, page) - 1) * IMAGE_PAGE_SIZE


@get("/feed")
async def feed_search(request: Request[Any, Any, Any], q: str = "", page: int = 1) -> Template:
    """Search results oldest first, so page N stays the same while others list or bump items."""
    page = max(1, page)
    rows = store_of(request).search_stable(q.strip(), offset=_offset(page), limit=IMAGE_PAGE_SIZE + 1)
    heading = f"Results for “{q.strip()}”" if q.strip() else "All listings"
    return _paged(request, rows, page, "/feed", heading, q=q)


@get("/items/{item_id:int}/similar")
async def similar(request: Request[Any, Any, Any], item_id: int, page: int = 1) -> Template:
    store = store_of(request)
    item = item_or_404(store, item_id)
    page = max(1, page)
    rows = store.more_like_this(item, limit=IMAGE_PAGE_SIZE + 1, offset=_offset(page))
    return _paged(request, rows, page, f"/items/{item_id}/similar", f"More like “{item.title}”")


@get("/boards/new")
async def new_board_page(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return render(request, viewer, "board_new.html", board_name="", error=None)


@post("/boards/new")
async def new_board(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = require_user(request, "/boards/new")
    name = form_field(await request.form(), "name")
    try:
        name = validate_board_name(name)
    except StoreError as exc:
        return render(request, viewer, "board_new.html", board_name=name, error=str(exc))
    board_id = store_of(request).create_board(viewer.id, name)
    faults = faults_of(request)
    if faults.drop_next_board:
        # The board exists, but the answer never arrives in time.
        faults.drop_next_board = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return redirect(f"/boards/{board_id}", "Board created.")


@get("/boards/{board_id:int}")
async def board_page(request: Request[Any, Any, Any], board_id: int) -> Template:
    store = store_of(request)
    board = _board_or_404(store, board_id)
    return render(request, current_user(request), "board.html", board=board, items=store.board_items(board_id))


@get("/boards/{board_id:int}/ideas")
async def board_ideas(request: Request[Any, Any, Any], board_id: int, page: int = 1) -> Template:
    store = store_of(request)
    board = _board_or_404(store, board_id)
    page = max(1, page)
    rows = store.board_ideas(board_id, offset=_offset(page), limit=IMAGE_PAGE_SIZE + 1)
    return _paged(request, rows, page, f"/boards/{board_id}/ideas", f"More ideas for “{board.name}”")


@get("/users/{username:str}/boards")
async def user_boards(request: Request[Any, Any, Any], username: str) -> Template:
    store = store_of(request)
    user = user_or_404(store, username)
    return render(request, current_user(request), "boards.html", user=user, boards=store.boards_of(username))


@post("/items/{item_id:int}/save")
async def save_item(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = require_user(request, f"/items/{item_id}")
    store = store_of(request)
    item_or_404(store, item_id)
    raw = form_field(await request.form(), "board_id")
    if not raw.isdigit():
        return redirect(f"/items/{item_id}", "Choose a board to save to.")
    board = _board_or_404(store, int(raw))
    if board.owner_id != viewer.id:
        raise PermissionDeniedException("You can only save to your own boards.")
    if store.save_to_board(board.id, item_id):
        return redirect(f"/items/{item_id}", f"Saved to {board.name}.")
    return redirect(f"/items/{item_id}", f"Already saved to {board.name}.")


ROUTES = [feed_search, similar, new_board_page, new_board, board_page, board_ideas, user_boards, save_item]
