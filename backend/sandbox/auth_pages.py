"""Logging in and out, and the captcha a flagged account must solve before any other page."""

from __future__ import annotations

import asyncio
import io
import random
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from backend.sandbox.pages import (
    CHALLENGE_NEXT_COOKIE,
    SESSION_COOKIE,
    RedirectTo,
    current_user,
    form_field,
    redirect,
    render,
    safe_next,
    store_of,
)
from backend.sandbox.store import User


@get("/login")
async def login_page(request: Request[Any, Any, Any], next: str = "/") -> Template:
    viewer = current_user(request, allow_challenge=True)
    return render(request, viewer, "login.html", next=safe_next(next), username="", error=None)


@post("/login")
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    username = form_field(form, "username").strip()
    password = form_field(form, "password")
    target = safe_next(form_field(form, "next"))
    store = store_of(request)
    user = await asyncio.to_thread(store.authenticate, username, password) if username and password else None
    if user is None:
        return render(request, None, "login.html", next=target, username=username, error="Wrong username or password.")
    token = store.create_session(user.id)
    response = redirect("/challenge" if user.challenge else target)
    response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", max_age=30 * 24 * 3600)
    if user.challenge:
        response.set_cookie(CHALLENGE_NEXT_COOKIE, quote(target, safe="/"), path="/", httponly=True, samesite="lax")
    return response


@get("/logout")
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        store_of(request).delete_session(token)
    response = redirect("/", "You are logged out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _challenge_user(request: Request[Any, Any, Any]) -> User:
    user = current_user(request, allow_challenge=True)
    if user is None:
        raise RedirectTo("/login?next=/")
    return user


def _after_challenge(request: Request[Any, Any, Any]) -> Redirect:
    target = safe_next(unquote(request.cookies.get(CHALLENGE_NEXT_COOKIE, "/")))
    response = redirect(target)
    response.delete_cookie(CHALLENGE_NEXT_COOKIE, path="/")
    return response


@get("/challenge")
async def challenge_page(request: Request[Any, Any, Any]) -> Response[Any]:
    user = _challenge_user(request)
    if not user.challenge:
        return _after_challenge(request)
    store_of(request).challenge_answer(user.id)
    return render(request, user, "challenge.html", error=None)


@get("/challenge/image")
async def challenge_image(request: Request[Any, Any, Any]) -> Response[bytes]:
    user = _challenge_user(request)
    answer = store_of(request).challenge_answer(user.id)
    return Response(_captcha_png(answer), media_type="image/png", headers={"Cache-Control": "no-store"})


@post("/challenge")
async def challenge_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    user = _challenge_user(request)
    if not user.challenge:
        return _after_challenge(request)
    form = await request.form()
    store = store_of(request)
    given = form_field(form, "answer").strip().upper().replace(" ", "")
    if given and given == store.challenge_answer(user.id):
        store.set_challenge(user.username, False)
        return _after_challenge(request)
    store.challenge_answer(user.id, renew=True)
    return render(request, user, "challenge.html", error="That was not right; try the new letters.")


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


ROUTES = [login_page, login, logout, challenge_page, challenge_image, challenge_submit]
