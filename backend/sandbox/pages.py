"""What every page of the sandbox shares: its store, who is logged in, flashes, redirects, rendering.

The HTML is a contract with the sandbox driver: ids, classes and routes are what
it selects on, so change them only together with the driver.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template

from backend.sandbox.flavours import Flavour
from backend.sandbox.store import Item, Store, User

SESSION_COOKIE = "sandbox_session"
FLASH_COOKIE = "sandbox_flash"
CHALLENGE_NEXT_COOKIE = "sandbox_challenge_next"


@dataclass
class Faults:
    """Failures the control API arms for tests.

    The next publish (message, post, board) is saved, or the next delete done, but its answer is
    lost (a 504 after `hang_seconds`); `fail_paths` answers the next N requests to a path (or
    path?query) with a 500.
    """

    drop_next_publish: bool = False
    drop_next_delete: bool = False
    drop_next_message: bool = False
    drop_next_post: bool = False
    drop_next_board: bool = False
    hang_seconds: float = 30.0
    fail_paths: dict[str, int] = field(default_factory=dict)

    def take_failure(self, path: str, query: str) -> bool:
        """Whether this request is one of those armed to fail (and count it)."""
        for key in (f"{path}?{query}" if query else path, path):
            if self.fail_paths.get(key, 0) > 0:
                self.fail_paths[key] -= 1
                return True
        return False


class RedirectTo(Exception):
    """Raised from helpers to answer with a 303 (login needed, challenge pending)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def store_of(request: Request[Any, Any, Any]) -> Store:
    store: Store = request.app.state.store
    return store


def faults_of(request: Request[Any, Any, Any]) -> Faults:
    faults: Faults = request.app.state.faults
    return faults


def flavour_of(request: Request[Any, Any, Any]) -> Flavour:
    """Which shop this process is (its name, vocabulary and rules)."""
    flavour: Flavour = request.app.state.flavour
    return flavour


def safe_next(value: str | None) -> str:
    """Only paths on this site (no `//host`, no schemes)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def here(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def current_user(request: Request[Any, Any, Any], *, allow_challenge: bool = False) -> User | None:
    """The logged-in user, or None. A pending challenge sends every logged-in page to /challenge."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = store_of(request).session_user(token)
    if user is not None and user.challenge and not allow_challenge:
        raise RedirectTo("/challenge")
    return user


def require_user(request: Request[Any, Any, Any], back_to: str | None = None) -> User:
    user = current_user(request)
    if user is None:
        target = back_to or here(request)
        raise RedirectTo("/login?next=" + quote(target, safe="/"))
    return user


def _encode_flash(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode_flash(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return base64.urlsafe_b64decode(value.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def redirect(url: str, flash: str | None = None) -> Redirect:
    response = Redirect(path=url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, _encode_flash(flash), path="/", httponly=True, samesite="lax", max_age=120)
    return response


def render(
    request: Request[Any, Any, Any],
    viewer: User | None,
    name: str,
    *,
    status_code: int = 200,
    flash: str | None = None,
    flash_error: bool = False,
    **context: Any,
) -> Template:
    """Render a page; shows (and clears) a flash left by the previous redirect."""
    pending = _decode_flash(request.cookies.get(FLASH_COOKIE))
    unread = store_of(request).unread_count(viewer.id) if viewer else 0
    response = Template(
        template_name=name,
        context={
            "viewer": viewer,
            "shop": flavour_of(request),
            "flash": flash or pending,
            "flash_error": flash_error,
            "unread": unread,
            **context,
        },
        status_code=status_code,
        media_type=MediaType.HTML,
    )
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def form_field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def item_or_404(store: Store, item_id: int) -> Item:
    item = store.item(item_id)
    if item is None:
        raise NotFoundException("No such listing.")
    return item


def user_or_404(store: Store, username: str) -> User:
    user = store.user(username)
    if user is None:
        raise NotFoundException("No such user.")
    return user


def own_item(store: Store, viewer: User, item_id: int) -> Item:
    item = item_or_404(store, item_id)
    if item.seller_id != viewer.id:
        raise PermissionDeniedException("Only the seller can change this listing.")
    return item
