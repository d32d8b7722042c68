"""Runs ``coidesk`` (``python tests/crawlers/fakenet.py crawl ...``) on a fake network, for the DNS tests of
test_safety.py: the real crawl command, Scrapy and Twisted, with only the system's name lookups and the
sockets' destinations replaced. Configured by ``COIDESK_TEST_FAKENET`` (JSON):

- ``dns``: name -> the answers of its successive lookups (a list of IP addresses, or null: the lookup
  fails); the last answer repeats. Any other name fails: nothing is asked of real DNS.
- ``public``: networks taken as public addresses here (TEST-NET ranges, which no one routes, standing in
  for a real public address).
- ``standins``: address -> [host, port] of a loopback server that answers in its place.
- ``log``: a file where every lookup and every connection attempt is written, one JSON line each.

No connection leaves loopback: a connection to an address outside 127.0.0.0/8 goes to its stand-in, or is
refused here before any socket is opened.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

CONFIG: dict[str, Any] = json.loads(os.environ["COIDESK_TEST_FAKENET"])
LOG = Path(CONFIG["log"])
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
_lookups: dict[str, int] = {}
_real_getaddrinfo = socket.getaddrinfo


def _write(entry: dict[str, Any]) -> None:
    with LOG.open("a") as f:
        f.write(json.dumps(entry) + "\n")


def _answer(host: str) -> list[str]:
    try:
        ipaddress.ip_address(host.split("%")[0])
        return [host]  # a literal address is its own answer
    except ValueError:
        pass
    answers = CONFIG["dns"].get(host.lower().rstrip("."))
    n = _lookups.get(host, 0)
    _lookups[host] = n + 1
    answer = None if not answers else answers[min(n, len(answers) - 1)]
    _write({"lookup": host, "n": n + 1, "answer": answer})
    if answer is None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return list(answer)


def fake_getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:  # noqa: A002
    if isinstance(host, bytes):
        host = host.decode()
    if host is None:
        return _real_getaddrinfo(host, port, family, type, proto, flags)
    out = []
    for ip in _answer(host):
        out += _real_getaddrinfo(ip, port, family, type, proto, flags | socket.AI_NUMERICHOST)
    return out


def fake_gethostbyname(host: str) -> str:
    v4 = [ip for ip in _answer(host) if ipaddress.ip_address(ip).version == 4]
    if not v4:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return v4[0]


def install() -> None:
    socket.getaddrinfo = fake_getaddrinfo
    socket.gethostbyname = fake_gethostbyname

    public = [ipaddress.ip_network(n) for n in CONFIG.get("public", [])]
    real_is_global = ipaddress.IPv4Address.is_global.fget  # type: ignore[attr-defined]
    ipaddress.IPv4Address.is_global = property(  # type: ignore[method-assign,assignment]
        lambda self: any(self in n for n in public) or real_is_global(self)
    )

    from twisted.internet.posixbase import PosixReactorBase

    real_connect = PosixReactorBase.connectTCP
    standins = {k: tuple(v) for k, v in CONFIG.get("standins", {}).items()}

    def connect_tcp(self: Any, host: str, port: int, factory: Any, timeout: float = 30, bindAddress: Any = None) -> Any:  # noqa: N803
        _write({"connect": host, "port": port})
        if host in standins:
            host, port = standins[host]
        elif ipaddress.ip_address(host) not in LOOPBACK:
            raise ConnectionRefusedError(f"fakenet: {host} is outside loopback")  # never leaves the machine
        return real_connect(self, host, port, factory, timeout, bindAddress)

    PosixReactorBase.connectTCP = connect_tcp  # type: ignore[method-assign]


if __name__ == "__main__":
    install()
    from cli.main import app

    sys.argv = ["coidesk", *sys.argv[1:]]
    app()
