"""The server's background threads (index writer, ingest jobs, enrichment, embedding) share one loop."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class BackgroundLoop:
    """A daemon thread calling ``step`` until stopped, pausing ``interval`` seconds when it says nothing more
    is waiting; a failure is logged and retried after ``backoff`` more intervals (the work stays queued)."""

    name = "coidesk-background"
    backoff = 6
    join_s = 30.0

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def step(self) -> bool:
        """One round of work; True when more is waiting now."""
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.join_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.step():
                    continue
            except Exception:  # keep the loop alive
                log.exception("%s failed; will retry", self.name)
                self._stop.wait(self.interval * self.backoff)
            self._stop.wait(self.interval)
