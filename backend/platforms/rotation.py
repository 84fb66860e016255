"""Key rotation: vault secrets still under an older key are re-encrypted under the current one.

VAULT_KEYS lists (key id, key) pairs; the first encrypts, all decrypt. After a new key is
put first, `rotate` moves every stored secret to it (`sellpilot rotate-keys` runs it to the
end; the maintenance cron runs one bounded step a day), after which the old key can be
dropped from VAULT_KEYS. Every column holding a vault token is listed in `SECRET_COLUMNS`.
A token no configured key opens is left as it is and counted, never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.table import Table

from backend.core.scoped import across_workspaces, scoped
from backend.platforms import vault
from backend.platforms.accounts.cookies import COOKIES_PURPOSE
from backend.platforms.accounts.service import PASSWORD_PURPOSE
from backend.platforms.proxies.urls import PROXY_PASSWORD_PURPOSE, PROXY_USERNAME_PURPOSE
from backend.platforms.tables import PlatformAccount, Proxy

# (table, column, purpose) of every secret stored as a vault token.
SECRET_COLUMNS: tuple[tuple[type[Table], Column, str], ...] = (
    (PlatformAccount, PlatformAccount.password_secret, PASSWORD_PURPOSE),
    (PlatformAccount, PlatformAccount.cookies_secret, COOKIES_PURPOSE),
    (Proxy, Proxy.username_secret, PROXY_USERNAME_PURPOSE),
    (Proxy, Proxy.password_secret, PROXY_PASSWORD_PURPOSE),
)
PAGE = 200


@dataclass
class Rotation:
    key_id: str = ""
    """The key secrets are now made with."""
    re_encrypted: int = 0
    unreadable: int = 0
    """Tokens under a key no longer configured (or damaged): left as they are."""
    remaining: int = 0
    """Tokens still under another key after this step (the unreadable ones included)."""


def _stale(column: Column, prefix: str) -> WhereRaw:
    """The column holds a token not made with the current key (compared exactly: no LIKE wildcards)."""
    name = column._meta.db_column_name
    return WhereRaw(f"{name} IS NOT NULL AND substr({name}, 1, {len(prefix)}) != {{}}", prefix)


async def _rotate_column(table: type[Table], column: Column, purpose: str, limit: int, report: Rotation) -> None:
    prefix = f"{vault.VERSION}.{report.key_id}."
    id_column, workspace_column = table._meta.primary_key, table._meta.get_column_by_name("workspace")
    last: Any = None
    while report.re_encrypted < limit:
        # Keys are the deployment's, not one workspace's: every workspace's secrets move to the new one.
        query = across_workspaces(table).select(id_column, workspace_column, column).where(_stale(column, prefix))
        if last is not None:
            query = query.where(id_column > last)
        rows = await query.order_by(id_column).limit(PAGE)
        if not rows:
            return
        last = rows[-1]["id"]
        for row in rows:
            if report.re_encrypted >= limit:
                return
            old = row[column._meta.name]
            try:
                new = vault.reencrypt(old, purpose)
            except vault.VaultError:
                report.unreadable += 1
                continue
            # Only if unchanged meanwhile: a secret the user just replaced is not overwritten.
            changed = (
                await scoped(table, row["workspace"])
                .update({column: new})
                .where((id_column == row["id"]) & (column == old))
                .returning(id_column)
            )
            report.re_encrypted += len(changed)


async def rotate(limit: int) -> Rotation:
    """Re-encrypt at most `limit` secrets under the current key; what it did and what is left."""
    report = Rotation(key_id=vault.current_key_id())
    for table, column, purpose in SECRET_COLUMNS:
        await _rotate_column(table, column, purpose, limit, report)
    prefix = f"{vault.VERSION}.{report.key_id}."
    for table, column, _ in SECRET_COLUMNS:
        # The same deployment-wide count as above.
        report.remaining += await across_workspaces(table).count().where(_stale(column, prefix))
    return report
