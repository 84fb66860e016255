"""The platforms domain's one door: how other domains act as a platform account, and what they read of accounts.

Listings use it now; automation, campaigns, collect and analytics will too.
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
from collections.abc import AsyncIterator

from arq.connections import ArqRedis

from backend.jobs.service import JobRun
from backend.platforms.accounts import service as accounts
from backend.platforms.drivers import requirements
from backend.platforms.drivers.base import ListingInput, PublishedItem
from backend.platforms.drivers.requirements import DraftFacts
from backend.platforms.runtime import actions, outcomes, sessions
from backend.platforms.runtime.chromium import ChromiumLookup, find_chromium
from backend.platforms.runtime.sessions import AccountSession
from backend.platforms.schemas import AccountOut
from backend.settings import get_settings

__all__ = [
    "AccountOut",
    "AccountSession",
    "DraftFacts",
    "ListingInput",
    "PublishedItem",
    "account_job",
    "find_browser",
    "get_account",
    "publish_listing",
    "publish_problems",
    "run_as_account",
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


async def get_account(workspace_id: uuid.UUID, account_id: uuid.UUID) -> AccountOut:
    """The account (platform, status, caps; never a secret); 404 when it is not this workspace's."""
    return await accounts.get_account(workspace_id, account_id)


def publish_problems(platform: str, draft: DraftFacts) -> list[str]:
    """What keeps a draft from being published on the platform, each as "Field: what to do"; empty when ready.

    Checked before a publish job is created, so a draft the platform would
    refuse costs no browser work and no daily action.
    """
    return requirements.publish_problems(platform, draft)


def find_browser() -> ChromiumLookup:
    """The Chromium that browser automation would launch now, or the one line saying how to get it."""
    return find_chromium(get_settings().platforms.chromium_path)
