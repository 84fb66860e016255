"""Which addresses a user's URL may be fetched from: public ones only."""

from __future__ import annotations

import pytest

from backend.core.fetch import FetchRefused, check_public, is_public


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address checked, nothing bound
        ("224.0.0.1", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:8.8.8.8", True),
    ],
)
def test_only_public_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://localhost:8080/a.jpg", "private address"),
        ("http://127.0.0.1/a.jpg", "private address"),
        ("http://[::1]/a.jpg", "private address"),
        ("http://2130706433/a.jpg", "private address"),  # 127.0.0.1 written as one number
        ("ftp://example.com/a.jpg", "not an http(s) URL"),
        ("http://host.invalid/a.jpg", "was not found"),
    ],
)
async def test_urls_that_are_not_public_are_refused(url: str, says: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        await check_public(url)
    assert says in refused.value.reason
