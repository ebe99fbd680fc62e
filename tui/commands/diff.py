"""`wlx diff`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(diff: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx diff is not built yet")
    return 2
