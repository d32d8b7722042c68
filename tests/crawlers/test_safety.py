"""Where a crawler may not go (SECURITY.md threat 7): other schemes, other domains, loopback, private and
link-local addresses — for first requests and redirects alike (the redirect case runs in
test_crawl_site.py against a real server) — and names whose resolution fails, gives a private address, or
changes between the check and the connection (DNS rebinding: the real crawl command on a fake network)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import Settings
from twisted.internet import defer
from twisted.internet.address import IPv4Address

from config.settings import Settings as AppSettings
from crawlers import middlewares
from crawlers.middlewares import UrlGuard
from crawlers.resolver import VettingResolver
from crawlers.safety import address_allowed, host_allowed, refusal
from services.context import AppContext
from tests.conftest import ROOT
from tests.crawlers.site import Page, Site, serve

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


def test_names_are_left_to_the_resolver_and_localhost_names_are_refused() -> None:
    """The middleware resolves nothing (a second, separate lookup is what DNS rebinding exploits)."""
    assert refusal("http://www.cnda.fr/", DOMAINS, allow_private=False) is None  # no lookup, no refusal
    for host in ("localhost.", "LOCALHOST", "api.localhost"):
        assert refusal(f"http://{host}/", [host.lower().rstrip(".")], allow_private=False) == "private-address"
    for ip in ("::ffff:127.0.0.1", "224.0.0.1", "100.64.0.1", "192.0.2.1", "fe80::1", "fd00::1"):
        assert not address_allowed(ip) and address_allowed(ip, allow_private=True)
    assert address_allowed("8.8.8.8") and address_allowed("2001:4860:4860::8888")


# ---- the resolver on its own (no reactor: its lookups are replaced) ------------------------------------------


def _infos(*ips: str) -> list[Any]:
    return [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, 0, 0, 0))
        if ":" in ip
        else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 0))
        for ip in ips
    ]


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[Any] = []
        self.done = False

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802
        pass

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        self.addresses.append(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.done = True


def _resolver(answers: list[list[str] | None], allow_private: bool = False) -> tuple[VettingResolver, list[str]]:
    """A resolver whose successive system lookups give these answers (None: the lookup fails)."""
    resolver = VettingResolver(reactor=None, allow_private=allow_private)
    asked: list[str] = []

    def lookup(host: str) -> defer.Deferred[list[Any]]:
        answer = answers[min(len(asked), len(answers) - 1)]
        asked.append(host)
        if answer is None:
            return defer.fail(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
        return defer.succeed(_infos(*answer))

    resolver._ask = lookup  # type: ignore[method-assign]
    return resolver, asked


def _resolve(resolver: VettingResolver, host: str, port: int = 443) -> list[tuple[str, int]]:
    receiver = _Receiver()
    resolver.resolveHostName(receiver, host, port)
    assert receiver.done
    return [(a.host, a.port) for a in receiver.addresses]


def test_resolver_refuses_a_name_that_does_not_resolve_and_asks_again_next_time() -> None:
    resolver, asked = _resolver([None, ["8.8.8.8"]])
    assert _resolve(resolver, "www.cnda.fr") == []  # nothing to connect to
    assert resolver.refusal_for("www.cnda.fr") == "dns"
    assert _resolve(resolver, "www.cnda.fr") == [("8.8.8.8", 443)]  # a failure is not kept
    assert resolver.refusal_for("www.cnda.fr") is None and len(asked) == 2


def test_resolver_keeps_the_first_answer_of_a_rebinding_name() -> None:
    resolver, asked = _resolver([["8.8.8.8"], ["127.0.0.1"]])
    for port in (80, 443, 80):
        assert _resolve(resolver, "www.cnda.fr", port) == [("8.8.8.8", port)]
    assert _resolve(resolver, "WWW.CNDA.FR") == [("8.8.8.8", 443)]
    assert asked == ["www.cnda.fr"]  # resolved once: check and connections share the answer


@pytest.mark.parametrize(
    "answer",
    [
        ["8.8.8.8", "127.0.0.1"],
        ["127.0.0.1", "8.8.8.8"],
        ["8.8.8.8", "::1"],
        ["2001:4860:4860::8888", "169.254.169.254"],
    ],
)
def test_resolver_refuses_a_name_with_any_private_address(answer: list[str]) -> None:
    resolver, asked = _resolver([answer, ["8.8.8.8"]])
    assert _resolve(resolver, "www.cnda.fr") == []
    assert resolver.refusal_for("www.cnda.fr") == "private-address"
    assert _resolve(resolver, "www.cnda.fr") == [] and len(asked) == 1  # the refusal is kept for the crawl


def test_resolver_hands_over_private_addresses_only_when_allowed() -> None:
    resolver, _ = _resolver([["127.0.0.1", "::1"]], allow_private=True)
    assert _resolve(resolver, "site.test", 8080) == [("127.0.0.1", 8080), ("::1", 8080)]
    receiver = _Receiver()
    resolver.resolveHostName(receiver, "site.test", 8080, addressTypes=[IPv4Address])
    assert [a.host for a in receiver.addresses] == ["127.0.0.1"]  # the types asked for, of the checked answer
    literal, asked = _resolver([None])
    assert _resolve(literal, "127.0.0.1", 80) == [] and literal.refusal_for("127.0.0.1") == "private-address"
    assert asked == []  # a literal address is checked, not looked up


def test_the_guard_fetches_nothing_without_the_checking_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    reports: list[tuple[str, str]] = []
    crawler = SimpleNamespace(
        settings=Settings({"COIDESK_ALLOW_PRIVATE": True}),
        spider=SimpleNamespace(
            allowed_domains=["www.cnda.fr"], report=lambda url, kind, msg: reports.append((url, kind))
        ),
    )
    guard = UrlGuard(crawler)  # type: ignore[arg-type]
    monkeypatch.setattr(middlewares, "installed_resolver", lambda: None)
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request("https://www.cnda.fr/decisions"))
    assert reports == [("https://www.cnda.fr/decisions", "resolver")]
    monkeypatch.setattr(middlewares, "installed_resolver", lambda: VettingResolver(reactor=None, allow_private=True))
    guard.process_request(Request("https://www.cnda.fr/decisions"))  # with it, the request goes on


# ---- real crawls (the ``coidesk crawl`` command) on a fake network: tests/crawlers/fakenet.py ----------------
# Only 127.0.0.x receives traffic. The "public" address 192.0.2.1 is TEST-NET-1 (routed nowhere), taken as
# public inside the crawl process; a connection to it goes to a stand-in server on 127.0.0.3.

PUBLIC = "192.0.2.1"


def _site_pages(site: Site, label: str) -> None:
    site.pages["/robots.txt"] = Page(b"User-agent: *\nAllow: /\n", "text/plain")
    site.pages["/publications/"] = Page(
        b'<html><body><ul class="publications"><li><a href="/publications/a.html">A</a></li></ul></body></html>'
    )
    body = f"Rapport du site {label}. " + "Les observateurs ont documente ces faits aupres de plusieurs temoins. " * 5
    site.pages["/publications/a.html"] = Page(
        f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Rapport {label}</title>
<meta property="article:published_time" content="2026-10-01T09:00:00Z"></head>
<body><main><article><h1>Rapport {label}</h1><p>{body}</p></article></main></body></html>""".encode()
    )


@dataclass
class FakeCrawl:
    new: int
    errors: list[tuple[str, str]]  # (kind, path)
    lookups: list[dict[str, Any]]
    connects: list[dict[str, Any]]
    stderr: str


@pytest.fixture()
def network() -> Iterator[tuple[Site, Site]]:
    """The private target on 127.0.0.1 (it must never be reached) and the public site's stand-in."""
    with serve(Site()) as private, serve(Site(host="127.0.0.3")) as public:
        _site_pages(private, "prive")
        _site_pages(public, "public")
        yield private, public


def fake_crawl(
    tmp_path: Path,
    host: str,
    port: int,
    dns: dict[str, list[list[str] | None]],
    public: Site,
    allow_private: bool = False,
) -> FakeCrawl:
    tmp_path.mkdir(parents=True, exist_ok=True)
    registry = tmp_path / "sources.json"
    entry = {
        "id": "dnstest",
        "name": "Site de test DNS",
        "acronym": "DNS",
        "type": "ngo",
        "home": f"http://{host}:{port}",
        "crawl": {
            "spider": "generic",
            "allowed_domains": [host],
            "listings": [{"url": f"http://{host}:{port}/publications/", "links": "ul.publications a"}],
            "delay_s": 0,
            "kind": "coi",
            "doc_type": "report",
        },
    }
    registry.write_text(json.dumps({"sources": [entry]}))
    log = tmp_path / "fakenet.jsonl"
    log.write_text("")
    config = {"dns": dns, "public": ["192.0.2.0/24"], "standins": {PUBLIC: [public.host, public.port]}, "log": str(log)}
    env = {k: v for k, v in os.environ.items() if k != "COIDESK_CRAWL_ALLOW_PRIVATE"}
    env |= {
        "COIDESK_DATA_DIR": str(tmp_path / "data"),
        "COIDESK_SOURCES_FILE": str(registry),
        "COIDESK_CRAWL_ALLOW_PRIVATE": "true" if allow_private else "false",
        "COIDESK_CRAWL_TIMEOUT_S": "5",
        "COIDESK_TEST_FAKENET": json.dumps(config),
        "COLUMNS": "200",
    }
    out = subprocess.run(
        [sys.executable, "-m", "tests.crawlers.fakenet", "crawl", "dnstest"],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    ctx = AppContext.open(AppSettings(data_dir=tmp_path / "data", _env_file=None))  # type: ignore[call-arg]
    try:
        run = ctx.crawls.recent("dnstest")[0]
        errors = [(e["kind"], urlsplit(e["url"]).path) for e in run.errors]
        return FakeCrawl(
            run.new,
            errors,
            [e for e in entries if "lookup" in e],
            [e for e in entries if "connect" in e],
            out.stderr,
        )
    finally:
        ctx.close()


def test_a_rebinding_name_never_reaches_the_private_address(tmp_path: Path, network: tuple[Site, Site]) -> None:
    """First lookup: a public address; every later one: 127.0.0.1. The crawl resolves once and connects only
    to the public address it checked (its stand-in answers); the server on 127.0.0.1 gets no request."""
    private, public = network
    crawl = fake_crawl(tmp_path, "rebind.test", private.port, {"rebind.test": [[PUBLIC], ["127.0.0.1"]]}, public)
    assert private.log == []
    assert {c["connect"] for c in crawl.connects} == {PUBLIC}
    assert len(crawl.lookups) == 1  # robots.txt, the listing and the page: one answer
    assert public.paths() == ["/robots.txt", "/publications/", "/publications/a.html"]
    assert crawl.new == 1 and crawl.errors == [], crawl.stderr


def test_a_name_that_does_not_resolve_is_refused(tmp_path: Path, network: tuple[Site, Site]) -> None:
    private, public = network
    crawl = fake_crawl(tmp_path, "nowhere.test", private.port, {"nowhere.test": [None]}, public)
    assert crawl.connects == [] and private.log == [] and public.log == []
    assert set(crawl.errors) == {("dns", "/robots.txt"), ("dns", "/publications/")}, crawl.stderr
    assert crawl.new == 0


def test_a_name_that_fails_then_answers_loopback_is_refused(tmp_path: Path, network: tuple[Site, Site]) -> None:
    """The failed lookup is not a pass (it used to be), and the next answer is checked like any other."""
    private, public = network
    crawl = fake_crawl(tmp_path, "flaky.test", private.port, {"flaky.test": [None, ["127.0.0.1"]]}, public)
    assert crawl.connects == [] and private.log == [] and public.log == []
    kinds = {kind for kind, _ in crawl.errors}
    assert "dns" in kinds and kinds <= {"dns", "private-address"}, crawl.errors


@pytest.mark.parametrize("answer", [[PUBLIC, "127.0.0.1"], ["127.0.0.1", PUBLIC], [PUBLIC, "::1"]])
def test_a_name_with_a_public_and_a_private_address_is_refused(
    tmp_path: Path, network: tuple[Site, Site], answer: list[str]
) -> None:
    private, public = network
    crawl = fake_crawl(tmp_path, "mixed.test", private.port, {"mixed.test": [answer]}, public)
    assert crawl.connects == [] and private.log == [] and public.log == []
    assert set(crawl.errors) == {("private-address", "/robots.txt"), ("private-address", "/publications/")}
    assert len(crawl.lookups) == 1


def test_a_name_on_loopback_is_crawled_only_when_private_addresses_are_allowed(
    tmp_path: Path, network: tuple[Site, Site]
) -> None:
    private, public = network
    dns: dict[str, list[list[str] | None]] = {"local.test": [["127.0.0.1"]]}
    refused = fake_crawl(tmp_path / "off", "local.test", private.port, dns, public)
    assert private.log == [] and refused.connects == [] and refused.new == 0
    assert ("private-address", "/publications/") in refused.errors
    allowed = fake_crawl(tmp_path / "on", "local.test", private.port, dns, public, allow_private=True)
    assert private.paths() == ["/robots.txt", "/publications/", "/publications/a.html"]
    assert {c["connect"] for c in allowed.connects} == {"127.0.0.1"} and len(allowed.lookups) == 1
    assert allowed.new == 1 and allowed.errors == [], allowed.stderr
