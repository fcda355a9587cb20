"""Run every benchmark: `python -m bench` from the repository root (or `make bench`)."""

from __future__ import annotations

import importlib
import sys

# Each module has a main() -> int that prints its figures.
MODULES = ("bench.pocketbook", "bench.fanout")


def main() -> int:
    status = 0
    for name in MODULES:
        print(f"=== {name}")
        status |= importlib.import_module(name).main()
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
