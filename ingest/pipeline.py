"""Ingest entry points shared by the CLI, the API and (later) the crawlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.corpus import RecordError, iter_corpus, record_files
from store.documents import DocumentStore

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def count_files(paths: list[Path]) -> int:
    return len(record_files(paths))


def ingest_corpus(
    store: DocumentStore, paths: list[Path], received_by: str, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Store every corpus record under ``paths``; a bad file is reported and the batch goes on."""
    report = IngestReport()
    for path, item in iter_corpus(paths):
        if isinstance(item, RecordError):
            report.failed.append((str(path), str(item)))
            log.warning("not ingested: %s: %s", path.name, item)
        else:
            outcome = store.add(item.doc, item.original, item.media_type, origin=str(path), received_by=received_by)
            if outcome.created:
                report.created += 1
            elif outcome.changed:
                report.updated += 1
            else:
                report.unchanged += 1
        if progress:
            progress(path.name)
    return report
