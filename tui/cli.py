"""The `wlx` command line: starts the explorer, or runs one subcommand without the UI.

Each subcommand is a module in `tui/commands/` with HELP, add_arguments(parser) and
run(args) -> exit code. Modules import their heavy dependencies inside run(), so that
`wlx --help` and the warm start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tui import __version__

SUBCOMMANDS = (
    "sync", "report", "record", "serve", "permissions", "cache",
    "diff", "journal", "plan", "apply", "undo",
)


def build_parser() -> argparse.ArgumentParser:
    from tui.commands import explore

    parser = argparse.ArgumentParser(
        prog="wlx",
        description="wlx: a terminal explorer for Microsoft Entra workload identities. "
        "With no subcommand it opens the explorer.",
    )
    parser.add_argument("--version", action="version", version=f"wlx {__version__}")
    explore.add_arguments(parser)
    parser.set_defaults(command_module=explore)
    sub = parser.add_subparsers(title="subcommands", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"tui.commands.{name}")
        child = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(child)
        child.set_defaults(command_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.command_module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """The `wlx` console script: main(), then exit without tearing down the heap.

    A one-shot command at 50,000 identities holds about a million objects; freeing them
    one by one at exit costs about a second and changes nothing. Output is flushed first.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
