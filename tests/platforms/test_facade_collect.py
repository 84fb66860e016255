"""The platforms facade's image-collection verbs in real Chromium on the sandbox marketplace.

Called as a collect job would (an `AccountSession` of a real account row, so
board changes spend daily actions); what changed is read back through the
sandbox's control API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser

from backend.platforms import service as platforms
from backend.platforms.drivers.base import ActionFailed, OutcomeUnknown
from tests.platforms.browser import chromium
from tests.platforms.conftest import Sandbox
from tests.platforms.test_facade_automation import actions_today, session_of


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def test_warm_up_then_a_page_of_ideas_and_of_search(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    cats = (await sandbox.gallery("cats", 30, seed=1))["item_ids"]
    await sandbox.gallery("dogs", 10, seed=2)
    async with session_of(client, browser, sandbox) as session:
        first = await platforms.search_images(session, "cats")
        second = await platforms.search_images(session, "cats", page=2)
        assert [int(i.item_id) for i in first + second] == cats
        assert await platforms.search_images(session, "cats", page=3) == []
        assert first[0].image_url.startswith(f"{sandbox.url}/photos/")
        assert first[0].page_url == f"{sandbox.url}/items/{cats[0]}"
        assert first[0].title == "Cats idea 1"

        board = await platforms.create_board(session, "Cats for the collection")
        assert await platforms.create_board(session, "Cats for the collection") == board  # found, not doubled
        saved = [image.item_id for image in first[:3]]
        assert [await platforms.save_to_board(session, board, item) for item in saved] == [True, True, True]
        assert await platforms.save_to_board(session, board, saved[0]) is False
        assert await actions_today(session) == 4  # one board, three saves

        ideas = await platforms.board_ideas(session, board)
        rest = await platforms.board_ideas(session, board, page=2)
        assert sorted(int(i.item_id) for i in ideas + rest) == cats[3:]
        assert len(ideas) == 20
        similar = await platforms.more_like_this(session, saved[0])
        assert saved[0] not in {i.item_id for i in similar}
        assert {int(i.item_id) for i in similar} <= set(cats)
    [made] = await sandbox.boards("alice")
    assert (str(made["id"]), made["item_ids"]) == (board, [int(i) for i in saved])


async def test_a_board_whose_answer_is_lost_is_made_once(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    await sandbox.drop_next_board(hang_seconds=15)
    async with session_of(client, browser, sandbox, timeout_ms=2_000) as session:
        board = await platforms.create_board(session, "Lost answer")
        assert await actions_today(session) == 1
    assert [(str(b["id"]), b["name"]) for b in await sandbox.boards("alice")] == [(board, "Lost answer")]


async def test_a_failing_page_is_read_again_and_fails_when_it_keeps_failing(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    await sandbox.gallery("owls", 25, seed=5)
    async with session_of(client, browser, sandbox) as session:
        await sandbox.fail_path("/feed?q=owls&page=2", count=1)
        assert len(await platforms.search_images(session, "owls", page=2)) == 5
        await sandbox.fail_path("/feed?q=owls&page=2", count=3)
        with pytest.raises(OutcomeUnknown, match="answered 500"):
            await platforms.search_images(session, "owls", page=2)


async def test_download_image_through_the_account_is_size_limited(
    client: httpx.AsyncClient, browser: Browser, sandbox: Sandbox
) -> None:
    await sandbox.gallery("kites", 2, seed=3)
    async with session_of(client, browser, sandbox) as session:
        [image, _] = await platforms.search_images(session, "kites")
        expected = (await sandbox.control.get(image.image_url)).content
        assert await platforms.download_image(session, image.image_url, max_bytes=len(expected)) == expected
        with pytest.raises(ActionFailed, match=r"image larger than 0\.001 MB"):
            await platforms.download_image(session, image.image_url, max_bytes=1_000)
        with pytest.raises(ActionFailed, match="image not found"):
            await platforms.download_image(session, f"{sandbox.url}/photos/999999", max_bytes=1_000_000)
        for address in ("file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo="):
            with pytest.raises(ActionFailed, match="only http and https"):
                await platforms.download_image(session, address, max_bytes=1_000_000)
    for action in ("search_images", "more_like_this", "create_board", "save_to_board", "board_ideas"):
        assert platforms.supports("sandbox", action)
        assert platforms.supports("pinterest", action)
        assert not platforms.supports("tiktok", action)
    assert platforms.supports("vinted", "search_images")
    assert not platforms.supports("vinted", "create_board")
    assert all(platforms.supports(p, "download_image") for p in ("sandbox", "vinted", "pinterest", "tiktok"))
