"""The platforms domain's one door: how other domains act as a platform account, and what they read of accounts.

Listings, automation and campaigns use it; collect reads images and boards through it.
Nothing else of `backend.platforms` is imported from outside the domain
(`tests/test_architecture.py` fails on it), so the safety below cannot be
skipped by reaching past it:

- one action at a time per account and a bounded number of accounts per
  workspace, across every worker (a limiter lease);
- the account's status is respected: banned, inactive or cooling-down
  accounts do not act; an expired session logs in again with the stored password;
- human pacing between steps, and each changing action spends one of the
  account's daily actions (at the cap the account cools down until tomorrow);
- a captcha or challenge is never bypassed: the account goes to
  `needs_attention` with the reason and its queued jobs pause until a person
  resumes it;
- a change is never retried blindly: after an unknown outcome the platform is
  checked first (verify-then-retry), so one publish never becomes two.

A job handler acting as an account is written as:

    async with platforms.account_job(run, "publish"), platforms.run_as_account(
        run.redis, run.workspace_id, account_id
    ) as session:
        published = await platforms.publish_listing(session, listing)
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

from arq.connections import ArqRedis

from backend.core.schemas import Page
from backend.jobs.service import JobRun
from backend.platforms import collecting, messaging, rotation
from backend.platforms.accounts import service as accounts
from backend.platforms.drivers import mapping, requirements
from backend.platforms.drivers.base import (
    ActionFailed,
    Conversation,
    FeedImage,
    FollowedUser,
    Follower,
    ItemStats,
    Liker,
    ListingInput,
    Message,
    NotSupported,
    OwnListing,
    PostInput,
    PublishedItem,
    PublishedPost,
    Sale,
)
from backend.platforms.drivers.mapping import DraftFields, FieldNote, MappedListing, PriceRule
from backend.platforms.drivers.registry import DRIVERS, PLATFORMS
from backend.platforms.drivers.requirements import DraftFacts
from backend.platforms.messaging import SaleNotice
from backend.platforms.runtime import actions, outcomes, sessions
from backend.platforms.runtime.chromium import ChromiumLookup, find_chromium
from backend.platforms.runtime.sessions import AccountSession, AccountUnavailable
from backend.platforms.schemas import AccountOut, AttentionAccountOut
from backend.settings import get_settings

__all__ = [
    "AccountOut",
    "AccountSession",
    "AccountUnavailable",
    "ActionFailed",
    "Conversation",
    "DraftFacts",
    "DraftFields",
    "FeedImage",
    "FieldNote",
    "FollowedUser",
    "Follower",
    "ItemStats",
    "Liker",
    "ListingInput",
    "MappedListing",
    "Message",
    "NotSupported",
    "OwnListing",
    "PostInput",
    "PriceRule",
    "PublishedItem",
    "PublishedPost",
    "Sale",
    "SaleNotice",
    "account_job",
    "accounts_everywhere",
    "accounts_matching",
    "accounts_needing_attention",
    "apply_price_rule",
    "board_ideas",
    "bump_listing",
    "change_listing_price",
    "create_board",
    "crosslist_platforms",
    "default_price_rule",
    "delist_listing",
    "download_image",
    "find_browser",
    "find_post",
    "follow_user",
    "followers_of",
    "get_account",
    "item_stats",
    "likers_of",
    "map_listing",
    "more_like_this",
    "my_followers",
    "my_following",
    "my_listings",
    "my_sales",
    "platform_title",
    "post_problems",
    "post_stats",
    "publish_listing",
    "publish_post",
    "publish_problems",
    "read_conversation",
    "read_inbox",
    "relist_listing",
    "run_as_account",
    "sale_in_message",
    "save_to_board",
    "search_images",
    "search_users",
    "send_message",
    "supports",
    "unfollow_user",
]


@contextlib.asynccontextmanager
async def run_as_account(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, *, allow_attention: bool = False
) -> AsyncIterator[AccountSession]:
    """The account, logged in, for one piece of work: `session.driver` under the account's safety.

    Holds the account's limiter lease (one action at a time per account, a
    bounded number of accounts per workspace, across all workers) for the
    whole block; refuses a banned, inactive or cooling-down account
    (`AccountUnavailable`); logs in again with the stored password when the
    session expired; paces the driver's steps like a person. A challenge or a
    session that cannot be restored puts the account in `needs_attention`,
    pauses its queued jobs and raises `NeedsAttention` (wrap the block in
    `account_job` to turn that into a paused job). Cookies are saved back,
    encrypted, afterwards. 404 when the account is not this workspace's.
    `allow_attention` lets a login test run on an account that needs attention.
    """
    async with sessions.open_account(redis, workspace_id, account_id, allow_attention=allow_attention) as session:
        yield session


@contextlib.asynccontextmanager
async def account_job(run: JobRun, item_key: str, *, pause_on_attention: bool = True) -> AsyncIterator[None]:
    """What a job acting as an account does when the platform or the account gets in the way.

    Needs attention (challenge, expired session): the job pauses with the reason
    until the account is resumed (or fails, with `pause_on_attention=False`).
    Account busy with other work: the job runs again shortly, not counted as an
    attempt. Outcome still unknown after the checked retries: a later attempt,
    which checks first again. The platform refused, or the account is capped or
    disabled: item `item_key` and the job fail with the reason.
    """
    async with outcomes.account_job(run, item_key, pause_on_attention):
        yield


async def publish_listing(session: AccountSession, listing: ListingInput) -> PublishedItem:
    """Publish `listing` as the session's account; returns the platform's item (id and URL).

    Spends one of the account's daily actions first (at the cap the account
    cools down until tomorrow and this raises `AccountUnavailable`). Looks for
    the listing on the platform before publishing, since an earlier run may have
    published it just before a crash, a timeout or a challenge; after a timeout
    it checks again before any new try (verify-then-retry), so one publish never
    becomes two.
    """
    await session.count_action()
    return await actions.publish_listing(session.driver, listing, check_first=True)


async def publish_post(session: AccountSession, post: PostInput) -> PublishedPost:
    """Publish a social post (media and caption) as the session's account; returns the platform's post.

    The caption ends with a short tag made from `post.ref` (the campaign post's
    id), by which the post is found again. Spends one of the account's daily
    actions first (at the cap the account cools down until tomorrow and this
    raises `AccountUnavailable`). Looks for the post on the platform before
    publishing, since an earlier run may have published it just before a crash,
    a timeout or a challenge; after a timeout it checks again before any new
    try (verify-then-retry), so one post is never published twice. A platform
    without posts (Vinted) raises `NotSupported`: ask `supports(platform, "publish_post")` first.
    """
    await session.count_action()
    return await actions.publish_post(session.driver, post, check_first=True)


async def find_post(session: AccountSession, post: PostInput) -> PublishedPost | None:
    """The account's own post carrying `post.ref`'s tag, if the platform shows one (no daily action spent)."""
    return await actions.read(lambda: session.driver.find_post(post), "looking for the post")


async def post_stats(session: AccountSession, post_id: str) -> ItemStats:
    """Views and likes of a post as the platform shows them now (`item_id` is the post's id)."""
    return await actions.read(lambda: session.driver.read_post_stats(post_id), "reading the post's views and likes")


# --- own listings ------------------------------------------------------------------------------
# Reads change nothing and retry with backoff; each change spends one daily action first and is
# verify-then-retry (after an unknown outcome the platform is checked before any new try).
# A platform without the action raises `NotSupported` (an `ActionFailed`: the item fails with the reason).


async def my_listings(session: AccountSession) -> list[OwnListing]:
    """The account's own listings in the platform's order (most recently bumped or listed first).

    Each has the platform's id, title, price, URL, when it was listed (`listed_at`, its age),
    views, likes, and whether it is sold, where the platform shows them.
    """
    return await actions.read(session.driver.my_listings, "reading the account's listings")


async def item_stats(session: AccountSession, item_id: str) -> ItemStats:
    """Views and likes of one item as its page shows them now (any item; an unknown one is `ActionFailed`)."""
    return await actions.read(lambda: session.driver.read_item_stats(item_id), "reading the listing's views and likes")


async def my_sales(session: AccountSession) -> list[Sale]:
    """The account's sales, latest first, from the platform's sales page: the item (platform id and title),
    price paid and currency, buyer ("" where not shown) and `sold_at` (None where not shown).

    A read: retried with backoff, no daily action spent. A platform without a sales page
    (Pinterest, TikTok) raises `NotSupported`: ask `supports(platform, "my_sales")` first.
    """
    return await actions.read(session.driver.my_sales, "reading the account's sales")


async def bump_listing(session: AccountSession, item_id: str) -> None:
    """Bump one of the account's listings (to the top of the platform's order). One daily action."""
    await session.count_action()
    await actions.bump(session.driver, item_id)


async def change_listing_price(session: AccountSession, item_id: str, price: Decimal) -> None:
    """Set the price of one of the account's listings; verified on the listings page. One daily action."""
    await session.count_action()
    await actions.change_price(session.driver, item_id, price)


async def delist_listing(session: AccountSession, item_id: str) -> None:
    """Delete one of the account's listings and verify it is gone; nothing to do (no action spent) if it is."""
    if not await actions.is_listed(session.driver, item_id):
        return
    await session.count_action()
    await actions.delete_listing(session.driver, item_id)


async def relist_listing(session: AccountSession, old_item_id: str, listing: ListingInput) -> PublishedItem:
    """Delete the old item (verified gone) and publish `listing` again; returns the new item (a new id).

    Idempotent: re-running after a crash at any point ends with exactly one live
    copy with a new id, never none and never two (an earlier run's copy is found
    first and returned). One daily action for each step really made (the delete, the publish).
    """
    return await actions.relist(session.driver, old_item_id, listing, session.count_action)


# --- people -------------------------------------------------------------------------------------


async def follow_user(session: AccountSession, username: str) -> bool:
    """Follow `username`; False (no daily action spent) when the account already follows them."""
    if await actions.read(lambda: session.driver.is_following(username), f"checking whether {username} is followed"):
        return False
    await session.count_action()
    return await actions.follow(session.driver, username, following=True)


async def unfollow_user(session: AccountSession, username: str) -> bool:
    """Unfollow `username`; False (no daily action spent) when the account does not follow them."""
    if not await actions.read(
        lambda: session.driver.is_following(username), f"checking whether {username} is followed"
    ):
        return False
    await session.count_action()
    return await actions.follow(session.driver, username, following=False)


async def my_following(session: AccountSession) -> list[FollowedUser]:
    """Whom the account follows: username, `followed_at` (where shown), `follows_me` (they follow back)."""
    return await actions.read(session.driver.my_following, "reading whom the account follows")


async def my_followers(session: AccountSession) -> list[Follower]:
    """Who follows the account: username and `followed_at` (where shown)."""
    return await actions.read(session.driver.my_followers, "reading the account's followers")


async def followers_of(session: AccountSession, username: str) -> list[str]:
    """The usernames following `username` (anyone on the platform)."""
    return await actions.read(lambda: session.driver.list_followers(username), f"reading {username}'s followers")


async def likers_of(session: AccountSession, item_id: str) -> list[Liker]:
    """Who liked one of the account's own items (username, `liked_at` where shown), latest first."""
    return await actions.read(lambda: session.driver.likers(item_id), "reading who liked the listing")


async def search_users(session: AccountSession, query: str, limit: int = 50) -> list[str]:
    """Users found by a feed search for `query` (the sellers of matching items), without the account itself."""
    return await actions.read(lambda: session.driver.search_users(query, limit), "searching the feed")


# --- messages (`messaging`): send, the inbox and its threads, and which message is the platform's sale notice ----
send_message = messaging.send_message
read_inbox = messaging.read_inbox
read_conversation = messaging.read_conversation
sale_in_message = messaging.sale_in_message


# --- image collection (`collecting`): search pages, "more like this", boards, downloads ----------------
search_images = collecting.search_images
more_like_this = collecting.more_like_this
create_board = collecting.create_board
save_to_board = collecting.save_to_board
board_ideas = collecting.board_ideas
download_image = collecting.download_image


# --- accounts -----------------------------------------------------------------------------------


async def get_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountOut:
    """The account (platform, status, caps; never a secret); 404 when it is not this workspace's."""
    return await accounts.get_account(workspace_id, account_id)


async def needing_attention_by_platform() -> dict[str, int]:
    """Accounts waiting for a person (captcha, challenge, lost session), by platform, over all workspaces."""
    return await accounts.count_by_status_everywhere("needs_attention")


async def accounts_matching(
    workspace_id: uuid.UUID,
    *,
    platforms: Sequence[str] = (),
    statuses: Sequence[str] = (),
    tags: Sequence[str] = (),
    proxy_id: uuid.UUID | None = None,
    profile_id: uuid.UUID | None = None,
) -> list[AccountOut]:
    """The workspace's accounts that pass every filter given (an empty filter passes all), oldest first.

    `platforms` and `statuses` match any of the values; an account passes `tags`
    when it has all of them (tags are compared trimmed and lower-case); `proxy_id`
    and `profile_id` match the account's proxy and browser profile. Ordered by
    creation time, then id, so the same filters give the same order every time.
    """
    return await accounts.accounts_matching(
        workspace_id, platforms=platforms, statuses=statuses, tags=tags, proxy_id=proxy_id, profile_id=profile_id
    )


async def accounts_everywhere(statuses: Sequence[str] = ("active",)) -> list[tuple[uuid.UUID, AccountOut]]:
    """(workspace id, account) of every workspace's accounts in these statuses: for a scheduler that works
    across workspaces (analytics' sync tick), never for a request."""
    return await accounts.accounts_everywhere(statuses)


async def accounts_needing_attention(
    limit: int, offset: int, statuses: Sequence[str] = ("needs_attention", "banned")
) -> Page[AttentionAccountOut]:
    """Every workspace's accounts waiting for a person (the superuser console), longest waiting first.
    Across workspaces on purpose: operators look at the whole deployment; never for a tenant's request."""
    return await accounts.accounts_needing_attention(statuses, limit, offset)


def publish_problems(platform: str, draft: DraftFacts) -> list[str]:
    """What keeps a draft from being published on the platform, each as "Field: what to do"; empty when ready.

    Checked before a publish job is created, so a draft the platform would
    refuse costs no browser work and no daily action.
    """
    return requirements.publish_problems(platform, draft)


def post_problems(platform: str, caption: str, media_count: int, has_video: bool) -> list[str]:
    """What keeps a social post from being published on the platform, each as "Field: what is wrong; what
    the platform takes" (no photo or video, too long a caption, too many photos); empty when ready.

    Checked before posts are scheduled, so a post the platform would refuse is told at once,
    not found failed at its time.
    """
    return requirements.post_problems(platform, caption, media_count, has_video)


def supports(platform: str, action: str) -> bool:
    """Whether the platform's driver has `action` at all (a name of `Driver.capabilities`: "bump",
    "change_price", "likers", "search_users", "send_message", "publish_post", "search_images",
    "more_like_this", "create_board", "save_to_board", "board_ideas", "download_image", "my_sales"…); e.g. False
    for bumping on Pinterest, for posts on Vinted or for boards anywhere but Pinterest and the sandbox.
    Lets a rule be refused when it is created rather than fail at every run."""
    return platform in DRIVERS and action in DRIVERS[platform].capabilities


def platform_title(platform: str) -> str:
    """The platform's name as users see it ("Vinted"); the key itself for one no longer known."""
    return PLATFORMS.get(platform, platform)


def find_browser() -> ChromiumLookup:
    """The Chromium that browser automation would launch now, or the one line saying how to get it."""
    return find_chromium(get_settings().platforms.chromium_path)


# Key rotation (`sellpilot rotate-keys`, the maintenance cron): secrets moved to the current vault key.
rotate_vault_keys = rotation.rotate

# Field mapping (`drivers/mapping.py`, data in `drivers/mappings/<platform>.json`): a draft in each platform's
# words (category, condition, size, cut texts, price rule), with what blocks it and what changes on the way.
map_listing = mapping.map_listing
default_price_rule = mapping.default_price_rule
apply_price_rule = mapping.apply_price_rule
crosslist_platforms = mapping.crosslist_platforms
