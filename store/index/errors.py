"""Errors raised by search backends. No engine exception crosses this boundary."""

from __future__ import annotations


class SearchError(Exception):
    """Base class for search-layer errors."""


class BadQuery(SearchError):
    """The user's query or filters cannot be run; ``code`` selects a translated message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class IndexUnavailable(SearchError):
    """The search engine cannot be reached or its index cannot be opened."""


class IndexBusy(SearchError):
    """Another process holds the (single) index writer."""
