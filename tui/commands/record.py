"""`wlx record`: not built yet."""

from __future__ import annotations

import argparse

HELP = "(record: not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("wlx record is not built yet")
    return 2
