"""The registration desk's completeness checklists, one per procedure (``checklists.json`` in the reference folder).

Read once per folder; the desk's services receive the lists from here and never open the file themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

HERE = Path(__file__).resolve().parent


@cache
def load_checklists(directory: Path = HERE) -> Mapping[str, tuple[str, ...]]:
    """procedure -> the items its application must hold, in the order the desk checks them."""
    path = directory / "checklists.json"
    if not path.exists():
        path = HERE / "checklists.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, ...]] = {}
    for procedure, items in raw.items():
        if procedure.startswith("_"):
            continue
        if not isinstance(items, list) or not all(isinstance(i, str) and i.isidentifier() for i in items):
            raise ValueError(f"checklists.json: {procedure!r} must list item keys (letters, digits, _)")
        out[procedure] = tuple(dict.fromkeys(items))
    return MappingProxyType(out)
