"""Month names used to read dates in documents and to write them in citations; ISO dates as records give them."""

import datetime as dt


def iso_date(value: object) -> dt.date | None:
    """The date of an ISO date or timestamp ("2026-03-02T10:50:51+00:00"); None for anything else."""
    try:
        return dt.date.fromisoformat(value[:10]) if value and isinstance(value, str) else None
    except ValueError:
        return None


MONTHS: dict[str, tuple[str, ...]] = {
    "fr": tuple("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()),
    "en": tuple("January February March April May June July August September October November December".split()),
}
