"""Parse files in separate processes with a memory limit and a time limit per file.

A small pool of long-lived workers (``ingest/extract/worker.py --serve``) imports the parsers once; each
file is written to a private temporary directory and handed to an idle worker. A worker that overruns
the time limit is killed (``parse_timeout``), one that dies or runs out of memory is replaced
(``too_large_to_parse``); either way the failure is this file's only. Workers are recycled every few
hundred files. Uploads and corpus records alike come here; plain text never needs a parser and is decoded
here.
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import json
import logging
import os
import queue
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any

from ingest.extract import Child, Extracted, ExtractError, Options, choose, detect

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
MEMORY_BYTES = 1_500_000_000
TIMEOUT_S = 180
RECYCLE_AFTER = 300
POOL_SIZE = 2  # one per core of the reference machine


def _limits(memory_bytes: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class _Worker:
    def __init__(self, tmp: str, memory_bytes: int) -> None:
        self.served = 0
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv: our own worker module
            [sys.executable, "-m", "ingest.extract.worker", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            # one Tesseract thread per worker: the pool already uses the cores
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PYTHONPATH": str(ROOT),
                "HOME": tmp,
                "OMP_THREAD_LIMIT": "1",
            },
            preexec_fn=_limits(memory_bytes),  # noqa: PLW1509 - limits must be set in the child
        )

    def ask(self, path: Path, options: Options, timeout_s: float, filename: str | None) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        request = {"path": str(path), "filename": filename, "options": dataclasses.asdict(options)}
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError as exc:
            raise ExtractError("too_large_to_parse") from exc
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s)
        if not ready:
            self.kill()
            raise ExtractError("parse_timeout")
        line = self.proc.stdout.readline()
        if not line:  # the worker died (memory limit, a crash in a C parser)
            self.kill()
            raise ExtractError("too_large_to_parse")
        self.served += 1
        return json.loads(line)  # type: ignore[no-any-return]

    def alive(self) -> bool:
        return self.proc.poll() is None and self.served < RECYCLE_AFTER

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class SandboxPool:
    def __init__(self, size: int = POOL_SIZE, memory_bytes: int = MEMORY_BYTES) -> None:
        self.memory_bytes = memory_bytes
        self.tmp = tempfile.mkdtemp(prefix="coidesk-sandbox-")
        self.idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)  # a slot; the worker starts on first use
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def extract(
        self, data: bytes, options: Options, timeout_s: float = TIMEOUT_S, filename: str | None = None
    ) -> dict[str, Any]:
        worker = self.idle.get()
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    worker.kill()
                worker = _Worker(self.tmp, self.memory_bytes)
                with self._lock:
                    self._all.append(worker)
            os.makedirs(self.tmp, mode=0o700, exist_ok=True)  # a /tmp cleaner may remove a long-idle folder
            fd, name = tempfile.mkstemp(dir=self.tmp)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                answer = worker.ask(Path(name), options, timeout_s, filename)
            finally:
                os.unlink(name)
            if answer.get("fatal"):
                worker.kill()
            if answer.get("exception"):
                log.warning("extraction failed: %s", answer["exception"])
            return answer
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        """Stops the workers and removes their folder (with whatever a killed parser left in it)."""
        with self._lock:
            for w in self._all:
                w.kill()
            self._all.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)


@cache
def pool() -> SandboxPool:
    """The process's pool, made on first use (workers start when a file needs them)."""
    sandbox = SandboxPool()
    atexit.register(sandbox.close)
    return sandbox


def extract_file(
    data: bytes, options: Options | None = None, timeout_s: float = TIMEOUT_S, filename: str | None = None
) -> Extracted:
    """Plain text is decoded here (no parser involved); every other format is parsed in the sandbox.
    ``filename`` only refines a generic type (a text file named ``.md`` is Markdown)."""
    options = options or Options()
    if (extractor := choose(detect(data), filename)).in_process:
        return extractor.read(data, options)
    out = pool().extract(data, options, timeout_s, filename)
    if "error" in out:
        raise ExtractError(out["error"])
    return Extracted(
        **{**out, "children": [Child(c["filename"], base64.b64decode(c["data"])) for c in out["children"]]}
    )
