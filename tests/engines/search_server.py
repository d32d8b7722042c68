"""A private OpenSearch node for the tests that stop and restart their server (the shared one stays up)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
JAR = HERE / "opensearch" / "target" / "search-server-1.jar"
READY = "coidesk-search-server ready"


def available() -> bool:
    return JAR.exists() and (HERE / "opensearch" / "target" / "lib").is_dir()


def required() -> bool:
    """CI builds the server and must run these tests, never skip them."""
    return os.environ.get("COIDESK_REQUIRE_ENGINES") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SearchServer:
    """``start()`` and ``stop()`` a real node on its own port and data directory (kept across restarts)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 180) -> None:
        self.starts += 1
        log_path = self.data_dir.parent / f"{self.data_dir.name}-{self.starts}.log"
        classpath = f"{JAR}:{JAR.parent / 'lib'}/*"
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the test infrastructure's own java command line
                [
                    "java",
                    "-Xms256m",
                    "-Xmx512m",
                    "-cp",
                    classpath,
                    "coidesk.SearchServer",
                    str(self.data_dir),
                    str(self.port),
                ],  # noqa: S607
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY in log_path.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the search server exited with {self.process.returncode}: see {log_path}")
            time.sleep(0.5)
        raise RuntimeError(f"the search server did not start in {timeout} s: see {log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)
        self.process = None
