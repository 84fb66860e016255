"""The credential vault: AES-256-GCM tokens with a key id, bound to their purpose."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from backend.platforms import vault

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()


def test_tokens_name_their_key_and_hide_the_secret(override_env: Any) -> None:
    override_env(VAULT_KEYS=f"2026-a:{OLD}")
    token = vault.encrypt("hunter2-password", "account.password")
    assert token.startswith("v1.2026-a.")
    assert "hunter2" not in token
    assert vault.encrypt("hunter2-password", "account.password") != token  # a fresh nonce each time
    assert vault.decrypt(token, "account.password") == "hunter2-password"


def test_a_token_only_opens_for_its_purpose_and_untouched(override_env: Any) -> None:
    override_env(VAULT_KEYS=f"2026-a:{OLD}")
    token = vault.encrypt("secret", "account.password")
    with pytest.raises(vault.VaultError, match="purpose"):
        vault.decrypt(token, "account.cookies")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(vault.VaultError):
        vault.decrypt(tampered, "account.password")


def test_keys_rotate_old_tokens_still_open(override_env: Any) -> None:
    override_env(VAULT_KEYS=f"2026-a:{OLD}")
    old_token = vault.encrypt("cookie-jar", "account.cookies")
    override_env(VAULT_KEYS=f"2026-b:{NEW},2026-a:{OLD}")  # the new key first: it encrypts from now on
    assert vault.decrypt(old_token, "account.cookies") == "cookie-jar"
    assert vault.encrypt("cookie-jar", "account.cookies").startswith("v1.2026-b.")
    override_env(VAULT_KEYS=f"2026-b:{NEW}")  # the old key retired too early
    with pytest.raises(vault.VaultError, match="2026-a"):
        vault.decrypt(old_token, "account.cookies")
