"""Shared helpers of the nvidia tests: fixture paths and fixture variants in tmp dirs."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
FORCE_CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
FORCE_SM = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def variant_of(
    tmp_path: os.PathLike[str],
    base: str,
    env: dict[str, str] | None = None,
    edit: Any = None,
    name: str | None = None,
) -> str:
    """A copy of fixture *base* with env.json replaced and calls.json edited by ``edit(calls)``."""
    target = os.path.join(tmp_path, name or base)
    shutil.copytree(fixture(base), target)
    if env is not None:
        with open(os.path.join(target, "env.json"), "w") as handle:
            json.dump(env, handle)
    if edit is not None:
        path = os.path.join(target, "calls.json")
        with open(path) as handle:
            calls = json.load(handle)
        edit(calls["libraries"])
        with open(path, "w") as handle:
            json.dump(calls, handle)
    return target


def set_answer(calls: list[dict[str, Any]], function: str, args: list[Any], **answer: Any) -> None:
    """Replace the recorded answer of ``function(*args)`` (or add it)."""
    for call in calls:
        if call["function"] == function and call.get("args", []) == args:
            for key in ("result", "error", "hang"):
                call.pop(key, None)
            call.update(answer)
            return
    calls.append({"function": function, "args": args, **answer})


# Independent oracle: the value lists written from shared/reference/interop.md
# section 2.1, not from the provider's code.
def lower(major: int, minor: int) -> list[str]:
    out = [f"{major}.{m}" for m in range(minor, -1, -1)] + [str(major)]
    for each in range(major - 1, 10, -1):
        out += [f"{each}.{m}" for m in range(20, -1, -1)] + [str(each)]
    return out


def upper(major: int, minor: int) -> list[str]:
    out: list[str] = []
    for each in range(15, major, -1):
        out += [f"{each}.{m}" for m in range(20, -1, -1)] + [str(each)]
    return out + [f"{major}.{m}" for m in range(20, minor, -1)]


def sm(major: int, minor: int) -> list[str]:
    return [f"{major}{m}_real" for m in range(minor, -1, -1)] + [f"{major}0_virtual"]
