"""`wlx sync`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(sync: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx sync is not built yet")
    return 2
