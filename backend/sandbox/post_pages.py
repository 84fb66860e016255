"""Social posts: writing one (photos or a video, and a caption), a user's posts, a post's page, its media."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Template

from backend.sandbox.listing_pages import MAX_PHOTOS, check_image, uploaded_files
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
from backend.sandbox.store import NewPhoto, StoreError

CAPTION_MAX = 2200
MAX_VIDEO_BYTES = 50_000_000


def _video_type(data: bytes) -> str | None:
    """The content type of an MP4/QuickTime or WebM file, judged by its first bytes (None: not a video)."""
    if data[4:8] == b"ftyp":
        return "video/quicktime" if data[8:12] == b"qt  " else "video/mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    return None


async def _read_media(form: Any) -> list[NewPhoto]:
    """One to ten photos, or exactly one video (MP4, MOV or WebM up to 50 MB)."""
    media: list[NewPhoto] = []
    videos = 0
    for name, data in await uploaded_files(form, "media"):
        kind = _video_type(data)
        if kind is None:
            media.append(check_image(name, data))
            continue
        if len(data) > MAX_VIDEO_BYTES:
            raise StoreError(f"{name} is larger than 50 MB.")
        videos += 1
        media.append(NewPhoto(kind, data))
    if not media:
        raise StoreError("Add a photo or a video.")
    if videos and len(media) > 1:
        raise StoreError("A post is one video, or photos; not both.")
    if len(media) > MAX_PHOTOS:
        raise StoreError(f"At most {MAX_PHOTOS} photos.")
    return media


@get("/posts/new")
async def new_post_page(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return render(request, viewer, "post_new.html", caption="", error=None, caption_max=CAPTION_MAX)


@post("/posts/new")
async def create_post(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = require_user(request, "/posts/new")
    form = await request.form()
    caption = form_field(form, "caption").replace("\r\n", "\n").strip()
    try:
        if len(caption) > CAPTION_MAX:
            raise StoreError(f"Captions are at most {CAPTION_MAX} characters.")
        media = await _read_media(form)
    except StoreError as exc:
        return render(request, viewer, "post_new.html", caption=caption, error=str(exc), caption_max=CAPTION_MAX)
    post_id = store_of(request).create_post(viewer.id, caption, media)
    faults = faults_of(request)
    if faults.drop_next_post:
        # The post exists, but the answer never arrives in time.
        faults.drop_next_post = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return redirect(f"/p/{post_id}", "Post published.")


@get("/u/{username:str}/posts")
async def user_posts(request: Request[Any, Any, Any], username: str) -> Template:
    viewer = current_user(request)
    store = store_of(request)
    user = user_or_404(store, username)
    return render(request, viewer, "user_posts.html", user=user, posts=store.posts_of(username))


@get("/p/{post_id:int}")
async def post_page(request: Request[Any, Any, Any], post_id: int) -> Template:
    viewer = current_user(request)
    store = store_of(request)
    found = store.post(post_id)
    if found is None:
        raise NotFoundException("No such post.")
    if viewer is None or viewer.id != found.author_id:
        store.add_post_stats(post_id, views=1)  # the author's own visits are not views
        found = store.post(post_id) or found
    return render(request, viewer, "post.html", post=found)


@get("/post-media/{media_id:int}")
async def post_media(request: Request[Any, Any, Any], media_id: int) -> Response[bytes]:
    found = store_of(request).post_media(media_id)
    if found is None:
        raise NotFoundException("No such file.")
    content_type, data = found
    return Response(data, media_type=content_type, headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [new_post_page, create_post, user_posts, post_page, post_media]
