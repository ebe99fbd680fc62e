"""`wlx plan`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(plan: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx plan is not built yet")
    return 2
