"""variant_detect_runtime._tables: parse once, build once."""

from __future__ import annotations

from pathlib import Path

from variant_detect_runtime import load_table


def test_load_table_parses_once_per_builder(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"rows": [1, 2]}')
    calls: list[object] = []

    def build(data: dict[str, list[int]]) -> tuple[int, ...]:
        calls.append(data)
        return tuple(data["rows"])

    assert load_table(str(path), build) == (1, 2)
    path.write_text('{"rows": [3]}')  # a table is data shipped with the code: read once
    assert load_table(str(path), build) == (1, 2)
    assert len(calls) == 1
    assert load_table(str(path), lambda d: d["rows"]) == [3]  # another builder, its own entry
