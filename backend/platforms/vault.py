"""The credential vault: AES-256-GCM with a key id in every token, so keys can rotate.

A token is `v1.<key id>.<base64url(nonce | ciphertext+tag)>`. The purpose (for
example "account.password") is bound in as associated data, so a token copied
from one column into another does not decrypt.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.settings import get_settings

VERSION = "v1"
NONCE_BYTES = 12


class VaultError(ValueError):
    """A token is malformed, was made with an unknown key, or was tampered with."""


def _keys() -> tuple[tuple[str, bytes], ...]:
    return get_settings().platforms.vault_keys


def encrypt(plaintext: str, purpose: str) -> str:
    key_id, key = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{VERSION}.{key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, purpose: str) -> str:
    version, _, rest = token.partition(".")
    key_id, _, body = rest.partition(".")
    if version != VERSION or not body:
        raise VaultError("not a vault token")
    key = dict(_keys()).get(key_id)
    if key is None:
        raise VaultError(f"vault key {key_id!r} is not configured (VAULT_KEYS)")
    raw = base64.urlsafe_b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
    except InvalidTag:
        raise VaultError("vault token does not match its key or purpose") from None


def encrypt_optional(plaintext: str | None, purpose: str) -> str | None:
    return None if plaintext is None or plaintext == "" else encrypt(plaintext, purpose)


def decrypt_optional(token: str | None, purpose: str) -> str | None:
    return None if token is None else decrypt(token, purpose)


def key_id_of(token: str) -> str:
    """The id of the key a token was made with ("" if it is not a vault token)."""
    version, _, rest = token.partition(".")
    return rest.partition(".")[0] if version == VERSION else ""


def current_key_id() -> str:
    """The key new secrets are made with (the first of VAULT_KEYS)."""
    return _keys()[0][0]


def reencrypt(token: str, purpose: str) -> str:
    """The same secret under the current key (VaultError if the token cannot be read)."""
    return encrypt(decrypt(token, purpose), purpose)
