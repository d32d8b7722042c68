"""Page and API words: a thin adapter over the one catalogue, ``config/messages`` (French typography on pages)."""

from __future__ import annotations

from config.messages import LOCALES, french_spacing, keys, pick_locale, translate

MESSAGES = keys()  # the known message keys: ``key in MESSAGES``

__all__ = ["LOCALES", "MESSAGES", "french_spacing", "pick_locale", "translate"]
