"""The archive of originals, addressed by sha256: ``<root>/ab/cd/abcdef...``.

Paths come only from the hash, never from a user's file name, so nothing is written outside the
archive (threat 6). Writes go to a temporary file first and are renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class ArchiveError(Exception):
    pass


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        if not _SHA_RE.match(sha256):
            raise ArchiveError("not a sha256 digest")
        path = (self.root / sha256[:2] / sha256[2:4] / sha256).resolve()
        if self.root.resolve() not in path.parents:
            raise ArchiveError("path escapes the archive")
        return path

    def put(self, data: bytes) -> str:
        """Store bytes durably (fsync, atomic rename) and return their sha256."""
        digest = sha256_bytes(data)
        path = self.path_for(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        if not path.exists():
            raise FileNotFoundError(sha256)
        return path.read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def verify(self, sha256: str) -> bool:
        return sha256_bytes(self.get(sha256)) == sha256
