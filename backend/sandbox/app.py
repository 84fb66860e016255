"""The sandbox marketplace: a small server-rendered shop the Playwright drivers can run against anywhere.

Independent of the rest of the backend (no Piccolo, no Redis). The HTML is a
contract with the sandbox driver: ids, classes and routes here are what it
selects on, so change them only together with the driver.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig
from PIL import Image, ImageDraw, ImageFilter, ImageFont, UnidentifiedImageError

from backend.sandbox.seed import seed, seed_photos
from backend.sandbox.store import (
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    Item,
    NewPhoto,
    Store,
    StoreError,
    User,
    parse_price,
    validate_title,
)

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "sandbox_session"
FLASH_COOKIE = "sandbox_flash"
CHALLENGE_NEXT_COOKIE = "sandbox_challenge_next"
PAGE_SIZE = 24
MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 10_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass
class Faults:
    """Failures the control API arms for tests: the next publish is saved but its answer is lost."""

    drop_next_publish: bool = False
    hang_seconds: float = 30.0


class RedirectTo(Exception):
    """Raised from helpers to answer with a 303 (login needed, challenge pending)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


# --- helpers -----------------------------------------------------------------


def _store(request: Request[Any, Any, Any]) -> Store:
    store: Store = request.app.state.store
    return store


def _faults(request: Request[Any, Any, Any]) -> Faults:
    faults: Faults = request.app.state.faults
    return faults


def _safe_next(value: str | None) -> str:
    """Only paths on this site (no `//host`, no schemes)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _here(request: Request[Any, Any, Any]) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _viewer(request: Request[Any, Any, Any], *, allow_challenge: bool = False) -> User | None:
    """The logged-in user, or None. A pending challenge sends every logged-in page to /challenge."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = _store(request).session_user(token)
    if user is not None and user.challenge and not allow_challenge:
        raise RedirectTo("/challenge")
    return user


def _require(request: Request[Any, Any, Any], back_to: str | None = None) -> User:
    user = _viewer(request)
    if user is None:
        target = back_to or _here(request)
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


def _redirect(url: str, flash: str | None = None) -> Redirect:
    response = Redirect(path=url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, _encode_flash(flash), path="/", httponly=True, samesite="lax", max_age=120)
    return response


def _page(
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
    unread = _store(request).unread_count(viewer.id) if viewer else 0
    response = Template(
        template_name=name,
        context={"viewer": viewer, "flash": flash or pending, "flash_error": flash_error, "unread": unread, **context},
        status_code=status_code,
        media_type=MediaType.HTML,
    )
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _item_or_404(store: Store, item_id: int) -> Item:
    item = store.item(item_id)
    if item is None:
        raise NotFoundException("No such listing.")
    return item


def _user_or_404(store: Store, username: str) -> User:
    user = store.user(username)
    if user is None:
        raise NotFoundException("No such user.")
    return user


def _own_item(store: Store, viewer: User, item_id: int) -> Item:
    item = _item_or_404(store, item_id)
    if item.seller_id != viewer.id:
        raise PermissionDeniedException("Only the seller can change this listing.")
    return item


async def _read_photos(form: Any) -> list[NewPhoto]:
    """Every non-empty file in `photos`, each one a real image (checked with Pillow)."""
    uploads = [u for u in form.getall("photos", []) if isinstance(u, UploadFile)]
    photos: list[NewPhoto] = []
    for upload in uploads:
        data = await upload.read()
        if not data and not upload.filename:
            continue  # the empty part a browser sends when no file was chosen
        name = upload.filename or "a file"
        if not data:
            raise StoreError(f"{name} is empty.")
        if len(data) > MAX_PHOTO_BYTES:
            raise StoreError(f"{name} is larger than 10 MB.")
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind = image.format or ""
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise StoreError(f"{name} is not an image.") from None
        if kind not in IMAGE_TYPES:
            raise StoreError(f"{name}: use JPEG, PNG, WebP or GIF.")
        photos.append(NewPhoto(IMAGE_TYPES[kind], data))
    if not photos:
        raise StoreError("Add at least one photo.")
    if len(photos) > MAX_PHOTOS:
        raise StoreError(f"At most {MAX_PHOTOS} photos.")
    return photos


# --- pages: feed and items ---------------------------------------------------


@get("/healthz", media_type=MediaType.TEXT)
async def healthz() -> str:
    return "ok"


@get("/")
async def feed(request: Request[Any, Any, Any], q: str = "", page: int = 1) -> Template:
    viewer = _viewer(request)
    page = max(1, page)
    rows = _store(request).feed(q.strip(), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    next_url = None
    if len(rows) > PAGE_SIZE:
        params = {"q": q, "page": page + 1} if q else {"page": page + 1}
        next_url = "/?" + urlencode(params)
    prev_url = None
    if page > 1:
        params = {"q": q, "page": page - 1} if q else {"page": page - 1}
        prev_url = "/?" + urlencode(params)
    return _page(
        request, viewer, "feed.html", items=rows[:PAGE_SIZE], q=q, page=page, next_url=next_url, prev_url=prev_url
    )


@get("/items/{item_id:int}")
async def item_page(request: Request[Any, Any, Any], item_id: int) -> Template:
    viewer = _viewer(request)
    store = _store(request)
    item = _item_or_404(store, item_id)
    if viewer is None or viewer.id != item.seller_id:
        store.count_view(item_id)
        item = _item_or_404(store, item_id)
    liked = viewer is not None and store.likes(viewer.id, item_id)
    return _page(request, viewer, "item.html", item=item, liked=liked, similar=store.more_like_this(item))


@post("/items/{item_id:int}/like")
async def like(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = _require(request, f"/items/{item_id}")
    store = _store(request)
    item = _item_or_404(store, item_id)
    if item.seller_id == viewer.id:
        return _redirect(f"/items/{item_id}", "You can't like your own listing.")
    store.like(viewer.id, item_id)
    return _redirect(f"/items/{item_id}")


@post("/items/{item_id:int}/unlike")
async def unlike(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = _require(request, f"/items/{item_id}")
    store = _store(request)
    _item_or_404(store, item_id)
    store.unlike(viewer.id, item_id)
    return _redirect(f"/items/{item_id}")


@get("/photos/{photo_id:int}")
async def photo(request: Request[Any, Any, Any], photo_id: int) -> Response[bytes]:
    found = _store(request).photo(photo_id)
    if found is None:
        raise NotFoundException("No such photo.")
    content_type, data = found
    return Response(data, media_type=content_type, headers={"Cache-Control": "public, max-age=3600"})


# --- login, logout, challenge ------------------------------------------------


@get("/login")
async def login_page(request: Request[Any, Any, Any], next: str = "/") -> Template:
    viewer = _viewer(request, allow_challenge=True)
    return _page(request, viewer, "login.html", next=_safe_next(next), username="", error=None)


@post("/login")
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    username = _field(form, "username").strip()
    password = _field(form, "password")
    target = _safe_next(_field(form, "next"))
    store = _store(request)
    user = await asyncio.to_thread(store.authenticate, username, password) if username and password else None
    if user is None:
        return _page(request, None, "login.html", next=target, username=username, error="Wrong username or password.")
    token = store.create_session(user.id)
    response = _redirect("/challenge" if user.challenge else target)
    response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", max_age=30 * 24 * 3600)
    if user.challenge:
        response.set_cookie(CHALLENGE_NEXT_COOKIE, quote(target, safe="/"), path="/", httponly=True, samesite="lax")
    return response


@get("/logout")
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        _store(request).delete_session(token)
    response = _redirect("/", "You are logged out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _challenge_user(request: Request[Any, Any, Any]) -> User:
    user = _viewer(request, allow_challenge=True)
    if user is None:
        raise RedirectTo("/login?next=/")
    return user


def _after_challenge(request: Request[Any, Any, Any]) -> Redirect:
    from urllib.parse import unquote

    target = _safe_next(unquote(request.cookies.get(CHALLENGE_NEXT_COOKIE, "/")))
    response = _redirect(target)
    response.delete_cookie(CHALLENGE_NEXT_COOKIE, path="/")
    return response


@get("/challenge")
async def challenge_page(request: Request[Any, Any, Any]) -> Response[Any]:
    user = _challenge_user(request)
    if not user.challenge:
        return _after_challenge(request)
    _store(request).challenge_answer(user.id)
    return _page(request, user, "challenge.html", error=None)


@get("/challenge/image")
async def challenge_image(request: Request[Any, Any, Any]) -> Response[bytes]:
    user = _challenge_user(request)
    answer = _store(request).challenge_answer(user.id)
    return Response(_captcha_png(answer), media_type="image/png", headers={"Cache-Control": "no-store"})


@post("/challenge")
async def challenge_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    user = _challenge_user(request)
    if not user.challenge:
        return _after_challenge(request)
    form = await request.form()
    store = _store(request)
    given = _field(form, "answer").strip().upper().replace(" ", "")
    if given and given == store.challenge_answer(user.id):
        store.set_challenge(user.username, False)
        return _after_challenge(request)
    store.challenge_answer(user.id, renew=True)
    return _page(request, user, "challenge.html", error="That was not right; try the new letters.")


def _captcha_png(text: str) -> bytes:
    rng = random.Random(text)  # noqa: S311 - decoration, not security
    image = Image.new("RGB", (260, 90), (245, 243, 238))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        draw.line(
            [(rng.randint(0, 260), rng.randint(0, 90)), (rng.randint(0, 260), rng.randint(0, 90))],
            fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)),
            width=2,
        )
    font = ImageFont.load_default(size=46)
    for index, letter in enumerate(text):
        glyph = Image.new("RGBA", (60, 70), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 4), letter, font=font, fill=(rng.randint(10, 90), 40, rng.randint(60, 140)))
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (12 + index * 48, rng.randint(2, 18)), glyph)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- selling and my listings -------------------------------------------------


@get("/sell")
async def sell_page(request: Request[Any, Any, Any]) -> Template:
    viewer = _require(request)
    return _page(request, viewer, "sell.html", values={"title": "", "description": "", "price": ""}, error=None)


@post("/sell")
async def sell(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = _require(request, "/sell")
    form = await request.form()
    values = {name: _field(form, name) for name in ("title", "description", "price")}
    store = _store(request)
    try:
        title = validate_title(values["title"])
        description = values["description"].strip()
        if len(description) > DESCRIPTION_MAX:
            raise StoreError(f"Description must be at most {DESCRIPTION_MAX} characters.")
        price_cents = parse_price(values["price"])
        photos = await _read_photos(form)
    except StoreError as exc:
        return _page(request, viewer, "sell.html", values=values, error=str(exc))
    item_id = store.create_item(viewer.id, title, description, price_cents, photos)
    faults = _faults(request)
    if faults.drop_next_publish:
        # The listing exists, but the answer never arrives in time.
        faults.drop_next_publish = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return _redirect(f"/items/{item_id}", "Listing published.")


@get("/my/listings")
async def my_listings(request: Request[Any, Any, Any]) -> Template:
    viewer = _require(request)
    return _page(request, viewer, "my_listings.html", items=_store(request).items_of(viewer.username), errors={})


@post("/items/{item_id:int}/bump")
async def bump(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = _require(request, "/my/listings")
    store = _store(request)
    _own_item(store, viewer, item_id)
    store.bump(item_id)
    return _redirect("/my/listings", "Listing bumped.")


@post("/items/{item_id:int}/price")
async def change_price(request: Request[Any, Any, Any], item_id: int) -> Response[Any]:
    viewer = _require(request, "/my/listings")
    store = _store(request)
    _own_item(store, viewer, item_id)
    form = await request.form()
    try:
        cents = parse_price(_field(form, "price"))
    except StoreError as exc:
        return _page(
            request,
            viewer,
            "my_listings.html",
            flash=str(exc),
            flash_error=True,
            items=store.items_of(viewer.username),
            errors={item_id: str(exc)},
        )
    store.set_price(item_id, cents)
    return _redirect("/my/listings", "Price updated.")


@post("/items/{item_id:int}/delete")
async def delete(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = _require(request, "/my/listings")
    store = _store(request)
    _own_item(store, viewer, item_id)
    store.delete_item(item_id)
    return _redirect("/my/listings", "Listing deleted.")


# --- users and follows -------------------------------------------------------


@get("/users/{username:str}")
async def profile(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = _viewer(request)
    store = _store(request)
    user = _user_or_404(store, username)
    following = viewer is not None and store.is_following(viewer.id, user.id)
    return _page(
        request,
        viewer,
        "profile.html",
        user=user,
        items=store.items_of(username),
        followers=len(store.followers(username)),
        following_count=len(store.following(username)),
        is_following=following,
    )


@get("/users/{username:str}/followers")
async def followers(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = _viewer(request)
    store = _store(request)
    user = _user_or_404(store, username)
    names = store.followers(username)
    return _page(request, viewer, "user_list.html", user=user, kind="follower", title="Followers", names=names)


@get("/users/{username:str}/following")
async def following(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = _viewer(request)
    store = _store(request)
    user = _user_or_404(store, username)
    names = store.following(username)
    return _page(request, viewer, "user_list.html", user=user, kind="following", title="Following", names=names)


@post("/users/{username:str}/follow")
async def follow(request: Request[Any, Any, Any], username: str) -> Redirect:
    viewer = _require(request, f"/users/{username}")
    store = _store(request)
    user = _user_or_404(store, username)
    if user.id == viewer.id:
        return _redirect(f"/users/{username}", "You can't follow yourself.")
    store.follow(viewer.id, user.id)
    return _redirect(f"/users/{username}")


@post("/users/{username:str}/unfollow")
async def unfollow(request: Request[Any, Any, Any], username: str) -> Redirect:
    viewer = _require(request, f"/users/{username}")
    store = _store(request)
    user = _user_or_404(store, username)
    store.unfollow(viewer.id, user.id)
    return _redirect(f"/users/{username}")


# --- messages ----------------------------------------------------------------


@get("/messages")
async def inbox(request: Request[Any, Any, Any]) -> Template:
    viewer = _require(request)
    return _page(request, viewer, "inbox.html", conversations=_store(request).conversations(viewer.id))


def _partner(store: Store, viewer: User, username: str) -> User:
    other = _user_or_404(store, username)
    if other.id == viewer.id:
        raise NotFoundException("You can't message yourself.")
    return other


@get("/messages/{username:str}")
async def conversation(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = _require(request)
    store = _store(request)
    other = _partner(store, viewer, username)
    messages = store.conversation(viewer.username, other.username)
    store.mark_read(viewer.id, other.id)
    return _page(request, viewer, "conversation.html", other=other, messages=messages, body="", error=None)


@post("/messages/{username:str}")
async def send_message(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    viewer = _require(request, f"/messages/{username}")
    store = _store(request)
    other = _partner(store, viewer, username)
    form = await request.form()
    body = _field(form, "body").strip()
    error = None
    if not body:
        error = "Write a message first."
    elif len(body) > MESSAGE_MAX:
        error = f"Messages are at most {MESSAGE_MAX} characters."
    if error:
        messages = store.conversation(viewer.username, other.username)
        return _page(
            request,
            viewer,
            "conversation.html",
            other=other,
            messages=messages,
            body=body,
            error=error,
        )
    store.send_message(viewer.id, other.id, body)
    return _redirect(f"/messages/{username}")


# --- control API (tests and demos; drivers never use it) ---------------------


@post("/__control/reset", status_code=200)
async def control_reset(request: Request[Any, Any, Any]) -> dict[str, Any]:
    seed(_store(request))
    request.app.state.faults = Faults()
    return {"ok": True}


@post("/__control/users", status_code=201)
async def control_create_user(request: Request[Any, Any, Any], data: dict[str, Any]) -> Response[dict[str, Any]]:
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    store = _store(request)
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
    if not _store(request).set_challenge(username, bool(data.get("enabled", True))):
        raise NotFoundException("No such user.")
    return {"ok": True}


@post("/__control/users/{username:str}/expire-sessions", status_code=200)
async def control_expire(request: Request[Any, Any, Any], username: str) -> dict[str, Any]:
    store = _store(request)
    _user_or_404(store, username)
    return {"deleted": store.expire_sessions(username)}


@post("/__control/faults", status_code=200)
async def control_faults(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
    faults = _faults(request)
    if "drop_next_publish" in data:
        faults.drop_next_publish = bool(data["drop_next_publish"])
    if "hang_seconds" in data:
        faults.hang_seconds = max(0.0, float(data["hang_seconds"]))
    return {"drop_next_publish": faults.drop_next_publish, "hang_seconds": faults.hang_seconds}


@get("/__control/items")
async def control_items(request: Request[Any, Any, Any], seller: str | None = None) -> list[dict[str, Any]]:
    store = _store(request)
    rows = store.items_of(seller) if seller else store.all_items()
    return [item.as_json() for item in rows]


@get("/__control/messages")
async def control_messages(request: Request[Any, Any, Any], between: str) -> list[dict[str, Any]]:
    a, _, b = between.partition(",")
    return [m.as_json() for m in _store(request).conversation(a.strip(), b.strip())]


@get("/__control/follows")
async def control_follows(request: Request[Any, Any, Any], username: str) -> dict[str, list[str]]:
    store = _store(request)
    return {"followers": store.followers(username), "following": store.following(username)}


# --- errors and the app ------------------------------------------------------


def _on_redirect(request: Request[Any, Any, Any], exc: RedirectTo) -> Response[Any]:
    return _redirect(exc.url)


def _error_page(request: Request[Any, Any, Any], status_code: int, message: str) -> Response[Any]:
    if request.url.path.startswith("/__control/"):
        return Response({"detail": message}, status_code=status_code)
    try:
        viewer = _viewer(request, allow_challenge=True)
    except Exception:
        viewer = None
    return _page(request, viewer, "error.html", status_code=status_code, code=status_code, message=message)


def _on_not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    detail = exc.detail if exc.detail and exc.detail != "Not Found" else "This page does not exist."
    return _error_page(request, 404, detail)


def _on_forbidden(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    return _error_page(request, 403, exc.detail or "You can't do that.")


def _time_filter(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%d %b %Y, %H:%M UTC")
    except ValueError:
        return value


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["when"] = _time_filter


def create_sandbox_app(db_path: Path, *, reset: bool = False, debug: bool = False) -> Litestar:
    """The sandbox marketplace on the SQLite file at `db_path`; seeded when empty (or when `reset`)."""
    store = Store(db_path)
    seed_photos()  # made once here, so a reset through the control API stays fast
    if reset or store.is_empty():
        seed(store)

    def close_store() -> None:
        store.close()

    return Litestar(
        route_handlers=[
            healthz,
            feed,
            item_page,
            like,
            unlike,
            photo,
            login_page,
            login,
            logout,
            challenge_page,
            challenge_image,
            challenge_submit,
            sell_page,
            sell,
            my_listings,
            bump,
            change_price,
            delete,
            profile,
            followers,
            following,
            follow,
            unfollow,
            inbox,
            conversation,
            send_message,
            control_reset,
            control_create_user,
            control_challenge,
            control_expire,
            control_faults,
            control_items,
            control_messages,
            control_follows,
        ],
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure_templates
        ),
        exception_handlers={
            RedirectTo: _on_redirect,
            NotFoundException: _on_not_found,
            PermissionDeniedException: _on_forbidden,
        },
        state=_state(store),
        on_shutdown=[close_store],
        request_max_body_size=MAX_PHOTOS * MAX_PHOTO_BYTES + 1_000_000,
        openapi_config=None,
        debug=debug,
    )


def _state(store: Store) -> Any:
    from litestar.datastructures import State

    return State({"store": store, "faults": Faults()})
