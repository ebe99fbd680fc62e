"""`wlx serve`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(serve: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx serve is not built yet")
    return 2
