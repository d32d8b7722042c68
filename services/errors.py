"""Errors raised by services; ``search_api/errors.py`` maps each to one HTTP status."""

from __future__ import annotations

from store.documents import NotFound

__all__ = ["AuthError", "Conflict", "Forbidden", "InvalidInput", "NotFound"]


class AuthError(Exception):
    """Authentication failed or is missing; ``code`` selects the translated message."""

    def __init__(self, code: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


class Forbidden(Exception):
    """The user is known but may not do this."""

    def __init__(self, code: str = "forbidden") -> None:
        super().__init__(code)
        self.code = code


class InvalidInput(Exception):
    """A request that is well-formed but makes no sense (unknown role, weak password...)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Conflict(Exception):
    """The request contradicts the object's state (e.g. changing a signed civil-status act): 409."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
