"""atheris target: the variants.json / variant.json reader (``_metadata.loads``).

Any input must give a VariantsMeta or a MetadataError/BadInput (exit status 2);
anything else is a crash that libFuzzer reports with the input that caused it.
Run through ``fuzz/run.py`` (it seeds the corpus); see fuzz/README.md.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports():
    from variant_detect._exit import BadInput
    from variant_detect._resolver import _metadata


def test_one_input(data: bytes) -> None:
    try:
        meta = _metadata.loads(data, "fuzz-1.0-variants.json", limit=1 << 20)
    except BadInput:
        return
    for label in meta.variants:  # an accepted label is a file-name part, never a path
        assert "/" not in label and "\\" not in label and "\0" not in label, label


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
