"""Parse a file in a separate process with time and memory limits; its failure is this file's error only."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from ingest.extract import Child, Extracted, ExtractError, Options, detect, text

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def _limits(memory_bytes: int, cpu_s: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def extract_file(
    data: bytes, options: Options | None = None, timeout_s: int = 180, memory_bytes: int = 1_500_000_000
) -> Extracted:
    """Plain text is decoded here (no parser involved); every other format is parsed in the sandbox."""
    options = options or Options()
    if detect(data) == "text/plain":
        return text.extract(data)
    with tempfile.TemporaryDirectory(prefix="coidesk-extract-") as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(data)
        try:
            proc = subprocess.run(  # noqa: S603 - fixed argv: our own worker module and a temp path
                [sys.executable, "-m", "ingest.extract.worker", str(path), json.dumps(dataclasses.asdict(options))],
                capture_output=True,
                timeout=timeout_s,
                cwd=ROOT,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": tmp},
                preexec_fn=_limits(memory_bytes, timeout_s),  # noqa: PLW1509 - limits must be set in the child
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ExtractError("parse_timeout") from exc
    if proc.returncode in (-9, -24):  # killed by the CPU limit (SIGXCPU, then SIGKILL)
        raise ExtractError("parse_timeout")
    if proc.returncode < 0 or b"MemoryError" in proc.stderr:  # the memory limit (or a parser crash under it)
        raise ExtractError("too_large_to_parse")
    if proc.returncode != 0:  # a parser failed in a way it does not report: name the exception class only
        last = proc.stderr.strip().splitlines()[-1:] or [b"?"]
        log.warning("extraction worker failed: %s", last[0].split(b":")[0].decode(errors="replace")[:80])
        raise ExtractError("unreadable_file")
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise ExtractError("too_large_to_parse") from exc
    if "error" in out:
        raise ExtractError(out["error"])
    children = [Child(c["filename"], base64.b64decode(c["data"])) for c in out["children"]]
    return Extracted(out["media_type"], out["pages"], out["title"], children, out.get("published"))
