"""`wlx permissions`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(permissions: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx permissions is not built yet")
    return 2
