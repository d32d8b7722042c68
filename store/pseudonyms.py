"""Pseudonym mappings of decisions that are not public, encrypted (Fernet) with a key kept in a file of its
own (mode 600, beside the data, never in the database)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow


class PseudonymMap(Base):
    __tablename__ = "pseudonym_maps"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PseudonymVault:
    def __init__(self, db: Database, key_file: Path) -> None:
        self.db, self.key_file = db, key_file

    def _fernet(self) -> Fernet:
        if not self.key_file.exists():
            self.key_file.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(Fernet.generate_key())
            except FileExistsError:
                pass  # another process wrote it first
        return Fernet(self.key_file.read_bytes().strip())

    def seal(self, values: dict[str, Any]) -> str:
        """Fields of a pending upload that may hold real names, encrypted until the job has hidden them."""
        return self._fernet().encrypt(json.dumps(values, ensure_ascii=False).encode()).decode()

    def unseal(self, token: str) -> dict[str, Any]:
        return dict(json.loads(self._fernet().decrypt(token.encode())))

    def save(self, document_id: str, mapping: dict[str, str], user: str) -> None:
        ciphertext = self._fernet().encrypt(json.dumps(mapping, ensure_ascii=False).encode()).decode()
        with self.db.session() as s:
            row = s.get(PseudonymMap, document_id)
            if row is None:
                s.add(PseudonymMap(document_id=document_id, ciphertext=ciphertext, created_by=user))
            else:
                row.ciphertext, row.created_by = ciphertext, user

    def get(self, document_id: str) -> dict[str, str] | None:
        with self.db.session() as s:
            row = s.get(PseudonymMap, document_id)
            if row is None:
                return None
            return dict(json.loads(self._fernet().decrypt(row.ciphertext.encode())))
