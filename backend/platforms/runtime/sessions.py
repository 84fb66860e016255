"""Working as a platform account: its browser context, a logged-in driver, caps and attention.

`open_account` is the one way workers act as an account. It holds the
account's limiter slot (one action at a time per account, across all workers,
and a bounded number of accounts per workspace), checks its status, logs in
again with the stored password when the session has expired, and counts
changing actions against the daily cap.

When the platform shows a challenge or the session cannot be restored, the
account goes to `needs_attention` with the reason, and its queued work pauses
until a person fixes it and resumes the account.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from arq.connections import ArqRedis

from backend.core.clock import utcnow
from backend.jobs import service as jobs_service
from backend.jobs.service import Limit, slot
from backend.platforms.drivers.base import ActionFailed, ChallengeRequired, Credentials, Driver, LoginRequired
from backend.platforms.drivers.registry import driver_for
from backend.platforms.runtime import identity as identities
from backend.platforms.runtime.browser import BrowserPool, get_pool
from backend.platforms.runtime.identity import NEEDS_ATTENTION, AccountIdentity
from backend.platforms.runtime.pacing import pacing
from backend.settings import get_settings


class NeedsAttention(Exception):
    """The account waits for a person (challenge, expired session, refused login)."""


class AccountUnavailable(ActionFailed):
    """The account is banned, inactive, cooling down or out of actions for today."""


@dataclass
class AccountSession:
    identity: AccountIdentity
    driver: Driver

    @property
    def username(self) -> str:
        return self.identity.login

    async def count_action(self) -> None:
        """Spend one of today's actions before a change; at the cap the account cools down until tomorrow."""
        account = self.identity
        if not await identities.take_daily_action(account.workspace_id, account.account_id):
            until = identities.next_day_start(utcnow())
            reason = f"Reached its daily cap of platform actions; continues at {until.isoformat(timespec='minutes')}"
            await identities.set_status(account.workspace_id, account.account_id, "cooldown", reason, until)
            raise AccountUnavailable(f"Account {account.login} {reason[0].lower()}{reason[1:]}")


def _check_usable(account: AccountIdentity, allow_attention: bool) -> None:
    if account.status == NEEDS_ATTENTION and not allow_attention:
        raise NeedsAttention(account.status_reason or f"Account {account.login} needs attention")
    if account.status in {"banned", "inactive"}:
        raise AccountUnavailable(f"Account {account.login} is {account.status}: {account.status_reason}".rstrip(": "))
    if account.status == "cooldown" and account.cooldown_until is not None and account.cooldown_until > utcnow():
        raise AccountUnavailable(
            f"Account {account.login} is cooling down until {account.cooldown_until.isoformat(timespec='minutes')}"
        )


@contextlib.asynccontextmanager
async def open_account(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    pool: BrowserPool | None = None,
    allow_attention: bool = False,
) -> AsyncIterator[AccountSession]:
    """A logged-in driver for the account. Raises `NeedsAttention` after recording why."""
    settings = get_settings().platforms
    # Wait a while for a busy account, but not for the job's whole time limit:
    # the caller defers the job instead (see outcomes.account_job).
    wait = get_settings().jobs.job_timeout_seconds / 4
    account = await identities.load_identity(workspace_id, account_id)
    _check_usable(account, allow_attention)
    if account.status == "cooldown":  # the cool-down is over
        await identities.set_status(workspace_id, account_id, "active")
    driver_class = driver_for(account.platform)
    async with (
        slot(redis, f"ws:{workspace_id}:accounts", Limit(settings.max_concurrent_accounts_per_workspace), wait),
        slot(redis, f"account:{account_id}", Limit(1), wait),
        (pool or get_pool()).session(account) as context,
    ):
        page = await context.new_page()
        page.set_default_timeout(settings.action_timeout_seconds * 1000)
        try:
            driver = driver_class(page, pacing())
            try:
                if not await driver.check_session():
                    if not account.password:
                        raise LoginRequired(
                            f"The session of {account.login} has expired and no password is stored: "
                            "import fresh cookies or set the password, then resume the account"
                        )
                    await driver.login(Credentials(account.login, account.password))
                    await identities.record_login(workspace_id, account_id)
                yield AccountSession(identity=account, driver=driver)
            except (ChallengeRequired, LoginRequired) as exc:
                await needs_attention(redis, workspace_id, account_id, str(exc))
                raise NeedsAttention(str(exc)) from exc
        finally:
            with contextlib.suppress(Exception):
                await page.close()


async def needs_attention(redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, reason: str) -> None:
    """Park the account for a person and pause its queued work, with the reason for both."""
    await identities.set_status(workspace_id, account_id, NEEDS_ATTENTION, reason)
    await jobs_service.pause_account_jobs(redis, workspace_id, account_id, reason)
