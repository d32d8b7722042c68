"""What enrichment adds to a document: typed mentions with the span of text they came from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

ENRICHER_VERSION = "2026.11-2"  # 2: names cleaned of sentence starts, headings, codes; listed names with elisions


@dataclass
class Mention:
    type: str  # place | actor | country | date | topic
    value: str  # canonical id: place id, actor id, ISO alpha-3, ISO date or range, topic id
    label: str
    text: str = ""  # as written in the document
    start: int = -1
    end: int = -1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Enrichment:
    version: str
    text_hash: str
    language: str | None
    language_parts: list[dict[str, Any]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ranked, most relevant first
    mentions: list[Mention] = field(default_factory=list)

    def of_type(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.type == kind]

    def values(self, kind: str) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.of_type(kind):
            seen.setdefault(m.value, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Enrichment:
        mentions = [Mention(**m) for m in data.get("mentions", [])]
        return cls(
            data["version"],
            data["text_hash"],
            data.get("language"),
            data.get("language_parts", []),
            data.get("countries", []),
            mentions,
        )


def entries_digest(entries: list[dict[str, Any]]) -> str:
    """A short, stable digest of curated entries added from the product ("" when there are none)."""
    if not entries:
        return ""
    return hashlib.sha256(json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
