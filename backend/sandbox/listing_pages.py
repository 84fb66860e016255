"""Pages about listings: the feed, an item (likes, photos), selling, the seller's own listings and sales."""

from __future__ import annotations

import asyncio
import io
from typing import Any
from urllib.parse import urlencode

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from PIL import Image, UnidentifiedImageError

from backend.sandbox.pages import (
    current_user,
    faults_of,
    flavour_of,
    form_field,
    item_or_404,
    own_item,
    redirect,
    render,
    require_user,
    store_of,
)
from backend.sandbox.sell_form import check_details, form_values
from backend.sandbox.store import NewPhoto, StoreError, parse_price, validate_title

PAGE_SIZE = 24
MAX_PHOTOS = 10
MAX_PHOTO_BYTES = 10_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


# --- feed and items ---------------------------------------------------------


@get("/")
async def feed(request: Request[Any, Any, Any], q: str = "", page: int = 1) -> Template:
    viewer = current_user(request)
    page = max(1, page)
    rows = store_of(request).feed(q.strip(), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    next_url = None
    if len(rows) > PAGE_SIZE:
        params = {"q": q, "page": page + 1} if q else {"page": page + 1}
        next_url = "/?" + urlencode(params)
    prev_url = None
    if page > 1:
        params = {"q": q, "page": page - 1} if q else {"page": page - 1}
        prev_url = "/?" + urlencode(params)
    return render(
        request, viewer, "feed.html", items=rows[:PAGE_SIZE], q=q, page=page, next_url=next_url, prev_url=prev_url
    )


@get("/items/{item_id:int}")
async def item_page(request: Request[Any, Any, Any], item_id: int) -> Template:
    viewer = current_user(request)
    store = store_of(request)
    item = item_or_404(store, item_id)
    if viewer is None or viewer.id != item.seller_id:
        store.count_view(item_id)
        item = item_or_404(store, item_id)
    liked = viewer is not None and store.likes(viewer.id, item_id)
    boards = store.boards_of(viewer.username) if viewer else []
    saved_in = store.boards_holding(viewer.id, item_id) if viewer else []
    # Who bought it and for how much: only the seller and the buyer see it, like on a real marketplace.
    sale = store.sale_of_item(item_id) if item.sold and viewer else None
    if sale is not None and viewer is not None and viewer.username not in (sale.seller, sale.buyer):
        sale = None
    return render(
        request,
        viewer,
        "item.html",
        item=item,
        liked=liked,
        similar=store.more_like_this(item),
        boards=boards,
        saved_in=saved_in,
        sale=sale,
    )


@post("/items/{item_id:int}/like")
async def like(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = require_user(request, f"/items/{item_id}")
    store = store_of(request)
    item = item_or_404(store, item_id)
    if item.seller_id == viewer.id:
        return redirect(f"/items/{item_id}", "You can't like your own listing.")
    store.like(viewer.id, item_id)
    return redirect(f"/items/{item_id}")


@post("/items/{item_id:int}/unlike")
async def unlike(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = require_user(request, f"/items/{item_id}")
    store = store_of(request)
    item_or_404(store, item_id)
    store.unlike(viewer.id, item_id)
    return redirect(f"/items/{item_id}")


@get("/items/{item_id:int}/likers")
async def likers(request: Request[Any, Any, Any], item_id: int) -> Template:
    """Who liked the item: only its seller sees this page."""
    viewer = require_user(request)
    store = store_of(request)
    item = own_item(store, viewer, item_id)
    return render(request, viewer, "likers.html", item=item, likers=store.likers(item_id))


@get("/photos/{photo_id:int}")
async def photo(request: Request[Any, Any, Any], photo_id: int) -> Response[bytes]:
    found = store_of(request).photo(photo_id)
    if found is None:
        raise NotFoundException("No such photo.")
    content_type, data = found
    return Response(data, media_type=content_type, headers={"Cache-Control": "public, max-age=3600"})


# --- selling and my listings -------------------------------------------------


def check_image(name: str, data: bytes) -> NewPhoto:
    """An uploaded file that must be a real image (checked with Pillow) of at most 10 MB."""
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
    return NewPhoto(IMAGE_TYPES[kind], data)


async def uploaded_files(form: Any, field: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file chosen in the form's `field`; an empty chosen file is refused."""
    files = []
    for upload in [u for u in form.getall(field, []) if isinstance(u, UploadFile)]:
        data = await upload.read()
        if not data and not upload.filename:
            continue  # the empty part a browser sends when no file was chosen
        name = upload.filename or "a file"
        if not data:
            raise StoreError(f"{name} is empty.")
        files.append((name, data))
    return files


async def _read_photos(form: Any) -> list[NewPhoto]:
    """Every non-empty file in `photos`, each one a real image."""
    photos = [check_image(name, data) for name, data in await uploaded_files(form, "photos")]
    if not photos:
        raise StoreError("Add at least one photo.")
    if len(photos) > MAX_PHOTOS:
        raise StoreError(f"At most {MAX_PHOTOS} photos.")
    return photos


@get("/sell")
async def sell_page(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return render(request, viewer, "sell.html", values=form_values(), error=None)


@post("/sell")
async def sell(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = require_user(request, "/sell")
    form = await request.form()
    values = form_values(form)
    store = store_of(request)
    shop = flavour_of(request)
    try:
        title = validate_title(values["title"], shop.title_max)
        description = values["description"].strip()
        if len(description) > shop.description_max:
            raise StoreError(f"Description must be at most {shop.description_max} characters.")
        price_cents = parse_price(values["price"], shop.max_price)
        details = check_details(values, shop)
        photos = await _read_photos(form)
    except StoreError as exc:
        return render(request, viewer, "sell.html", values=values, error=str(exc))
    item_id = store.create_item(viewer.id, title, description, price_cents, photos, **details)
    faults = faults_of(request)
    if faults.drop_next_publish:
        # The listing exists, but the answer never arrives in time.
        faults.drop_next_publish = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return redirect(f"/items/{item_id}", "Listing published.")


@get("/my/listings")
async def my_listings(request: Request[Any, Any, Any]) -> Template:
    viewer = require_user(request)
    return render(request, viewer, "my_listings.html", items=store_of(request).items_of(viewer.username), errors={})


@get("/my/sales")
async def my_sales(request: Request[Any, Any, Any]) -> Template:
    """What the logged-in user sold, latest first: item, price paid, buyer, date."""
    viewer = require_user(request)
    return render(request, viewer, "my_sales.html", sales=store_of(request).sales_of(viewer.username))


@post("/items/{item_id:int}/bump")
async def bump(request: Request[Any, Any, Any], item_id: int) -> Redirect:
    viewer = require_user(request, "/my/listings")
    store = store_of(request)
    own_item(store, viewer, item_id)
    store.bump(item_id)
    return redirect("/my/listings", "Listing bumped.")


@post("/items/{item_id:int}/price")
async def change_price(request: Request[Any, Any, Any], item_id: int) -> Response[Any]:
    viewer = require_user(request, "/my/listings")
    store = store_of(request)
    own_item(store, viewer, item_id)
    form = await request.form()
    try:
        cents = parse_price(form_field(form, "price"), flavour_of(request).max_price)
    except StoreError as exc:
        return render(
            request,
            viewer,
            "my_listings.html",
            flash=str(exc),
            flash_error=True,
            items=store.items_of(viewer.username),
            errors={item_id: str(exc)},
        )
    store.set_price(item_id, cents)
    return redirect("/my/listings", "Price updated.")


@post("/items/{item_id:int}/delete")
async def delete(request: Request[Any, Any, Any], item_id: int) -> Response[Any]:
    viewer = require_user(request, "/my/listings")
    store = store_of(request)
    own_item(store, viewer, item_id)
    store.delete_item(item_id)
    faults = faults_of(request)
    if faults.drop_next_delete:
        # The listing is gone, but the answer never arrives in time.
        faults.drop_next_delete = False
        await asyncio.sleep(faults.hang_seconds)
        return Response("Gateway timeout", status_code=504, media_type=MediaType.TEXT)
    return redirect("/my/listings", "Listing deleted.")


ROUTES = [
    feed,
    item_page,
    like,
    unlike,
    likers,
    photo,
    sell_page,
    sell,
    my_listings,
    my_sales,
    bump,
    change_price,
    delete,
]
