"""Where a crawler may not go (SECURITY.md threat 7): other schemes, other domains, loopback, private and
link-local addresses — for first requests and redirects alike (the redirect case runs in
test_crawl_site.py against a real server)."""

from __future__ import annotations

import pytest

from crawlers.safety import host_allowed, refusal

DOMAINS = ["www.cnda.fr"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://www.cnda.fr/x", "scheme"),
        ("gopher://www.cnda.fr/", "scheme"),
        ("http:///nohost", "no-host"),
        ("https://evil.example/www.cnda.fr", "offsite"),
        ("https://www.cnda.fr.evil.example/", "offsite"),
        ("https://cnda.fr/", "offsite"),  # the parent domain is not the allowed one
    ],
)
def test_refused_whatever_the_address(url: str, why: str) -> None:
    assert refusal(url, DOMAINS, allow_private=False) == why
    assert refusal(url, DOMAINS, allow_private=True) == why  # allowing private hosts widens nothing else


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "169.254.169.254", "10.1.2.3", "192.168.0.10", "[::1]", "0.0.0.0", "localhost"]
)
def test_private_and_loopback_targets_are_refused_unless_allowed(host: str) -> None:
    bare = host.strip("[]")
    url = f"http://{host}/latest/meta-data/"
    assert refusal(url, [bare], allow_private=False) == "private-address"
    assert refusal(url, [bare], allow_private=True) is None


def test_allowed_domains_cover_subdomains_only() -> None:
    assert host_allowed("www.cnda.fr", DOMAINS) and host_allowed("static.www.cnda.fr", DOMAINS)
    assert not host_allowed("wwwcnda.fr", DOMAINS)
    assert refusal("https://www.cnda.fr/decisions", DOMAINS, allow_private=True) is None
