"""Provider tables (JSON beside the code, with a schema), parsed once per process.

Tables are data: each provider keeps its version tables, encodings and
feature lists as JSON files with a JSON schema, each row citing its source,
and loads them on first use::

    def load() -> Tables:
        return load_table(_TABLE_PATH, Tables)

``json`` is imported only here, when a table is first needed.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

_LOADED: dict[tuple[str, object], Any] = {}


def load_table(path: str, build: Callable[[Any], T]) -> T:
    """Parse the JSON file at *path*, hand it to *build*, and keep the result."""
    key = (path, build)
    if key not in _LOADED:
        import json

        with open(path, encoding="utf-8") as handle:
            _LOADED[key] = build(json.load(handle))
    return _LOADED[key]  # type: ignore[no-any-return]
