"""Key rotation: secrets made under an old vault key all open with only the new key afterwards,
none still needs the old one; the cron step is bounded, and `sellpilot rotate-keys` runs to the end."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx

from backend.admin import maintenance
from backend.audit.tables import AuditEntry
from backend.platforms import vault
from backend.platforms.rotation import SECRET_COLUMNS
from backend.platforms.tables import PlatformAccount, Proxy
from tests.platforms.helpers import EXTENSION_COOKIES, business_account, create

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()
ROOT = Path(__file__).resolve().parents[2]


async def _tokens() -> list[tuple[str, str]]:
    """(token, purpose) of every stored secret."""
    found = []
    for table, column, purpose in SECRET_COLUMNS:
        rows = await table.select(column).where(column.is_not_null())
        found += [(row[column._meta.name], purpose) for row in rows]
    return found


async def _secrets_under_the_old_key(client: httpx.AsyncClient, override_env: Any) -> dict[str, str]:
    """Two accounts (password and cookies) and two proxies (user and password) made under the old key;
    each token's plaintext by token."""
    override_env(VAULT_KEYS=f"old:{OLD}")
    account = await business_account(client)
    for n in range(2):
        await create(
            client,
            account,
            "accounts",
            platform="vinted",
            login=f"shop{n}@example.com",
            password=f"hunter{n}-pass",
            cookies=EXTENSION_COOKIES,
        )
        await create(client, account, "proxies", url=f"http://user{n}:pw-{n}-secret@198.51.100.{n + 1}:3128")
    tokens = await _tokens()
    assert len(tokens) == 8
    assert all(vault.key_id_of(token) == "old" for token, _ in tokens)
    return {token: vault.decrypt(token, purpose) for token, purpose in tokens}


async def _assert_only_the_new_key_is_needed(override_env: Any, plaintexts: set[str]) -> None:
    override_env(VAULT_KEYS=f"new:{NEW}")  # the old key removed
    tokens = await _tokens()
    assert all(vault.key_id_of(token) == "new" for token, _ in tokens)
    assert {vault.decrypt(token, purpose) for token, purpose in tokens} == plaintexts


async def test_the_cron_step_rotates_in_bounded_steps_until_nothing_is_left(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    before = await _secrets_under_the_old_key(client, override_env)
    override_env(VAULT_KEYS=f"new:{NEW},old:{OLD}", MAINTENANCE_SECRETS_PER_RUN="3")
    redis = app.state.redis

    first = await maintenance.run_step(redis, "keys")
    assert first == {"key_id": "new", "re_encrypted": 3, "unreadable": 0, "remaining": 5}
    assert sum(vault.key_id_of(token) == "old" for token, _ in await _tokens()) == 5
    assert (await maintenance.run_step(redis, "keys"))["re_encrypted"] == 3
    assert (await maintenance.run_step(redis, "keys"))["remaining"] == 0
    assert await maintenance.run_step(redis, "keys") == {
        "key_id": "new",
        "re_encrypted": 0,
        "unreadable": 0,
        "remaining": 0,
    }
    await _assert_only_the_new_key_is_needed(override_env, set(before.values()))
    # Each step that changed something is in the audit log, as counts.
    audited = await AuditEntry.select(AuditEntry.details).where(AuditEntry.action == "maintenance.vault_rotated")
    assert sorted(json.loads(row["details"])["re_encrypted"] for row in audited) == [2, 3, 3]
    assert not any(plaintext in str(audited) for plaintext in before.values())
    # The accounts still work as before: their secrets open where the app reads them.
    rows = await PlatformAccount.select(PlatformAccount.password_secret)
    assert {vault.decrypt(row["password_secret"], "account.password") for row in rows} == {
        "hunter0-pass",
        "hunter1-pass",
    }


async def test_a_secret_changed_meanwhile_is_not_overwritten_and_unreadable_ones_are_counted(
    client: httpx.AsyncClient, app: Any, override_env: Any
) -> None:
    await _secrets_under_the_old_key(client, override_env)
    lost = base64.b64encode(b"x" * 32).decode()
    override_env(VAULT_KEYS=f"lost:{lost}")
    orphan = vault.encrypt("under-a-lost-key", "proxy.password")
    proxy = await Proxy.select(Proxy.id).first()
    await Proxy.update({Proxy.password_secret: orphan}, force=True).where(Proxy.id == proxy["id"])
    override_env(VAULT_KEYS=f"new:{NEW},old:{OLD}")
    report = await maintenance.run_step(app.state.redis, "keys")
    assert report == {"key_id": "new", "re_encrypted": 7, "unreadable": 1, "remaining": 1}
    row = await Proxy.select(Proxy.password_secret).where(Proxy.id == proxy["id"]).first()
    assert row["password_secret"] == orphan  # left as it was


async def test_the_rotate_keys_command_runs_to_the_end(
    client: httpx.AsyncClient, override_env: Any, test_env: dict[str, str]
) -> None:
    before = await _secrets_under_the_old_key(client, override_env)
    env = {**test_env, **os.environ, "VAULT_KEYS": f"new:{NEW},old:{OLD}"}
    with anyio.fail_after(120):
        done = await anyio.run_process(
            [sys.executable, "-m", "backend.cli", "rotate-keys", "--batch", "3"], env=env, cwd=ROOT, check=False
        )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "re-encrypted 8 secrets under key 'new' in 3 step(s)" in out
    assert "none left under an older key" in out
    for plaintext in before.values():
        assert plaintext not in out + err  # it says what it did, never a secret
    await _assert_only_the_new_key_is_needed(override_env, set(before.values()))
