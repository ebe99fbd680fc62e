"""`wlx permissions [--write]`: the exact Microsoft Graph permissions wlx asks for, and what
each one unlocks (from models.recording.KINDS; the write ones from graph.auth)."""

from __future__ import annotations

import argparse

HELP = "list the Graph permissions wlx needs and what each unlocks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true",
                        help="also list the permissions the cleanup actions need")


def lines(write: bool = False) -> list[str]:
    from graph.auth import OPTIONAL_PERMISSIONS, WRITE_PERMISSIONS, read_permissions, scopes

    out = ["wlx reads Microsoft Graph with these permissions (delegated or application; "
           "read-only by default):", ""]
    for permission, unlocks in read_permissions().items():
        out.append(f"  {permission}")
        out.extend(f"      {what}" for what in unlocks)
    out += ["", "Optional (shown when granted, never required):"]
    for permission, what in OPTIONAL_PERMISSIONS.items():
        out += [f"  {permission}", f"      {what}"]
    if write:
        out += ["", "For cleanup actions (--write; every change is previewed and confirmed):"]
        for permission, what in WRITE_PERMISSIONS.items():
            out += [f"  {permission}", f"      {what}"]
    out += [
        "",
        "A permission that is missing costs only what it unlocks: wlx shows that data as "
        "unavailable, with the permission to ask for, and loads everything else.",
        "Delegated sign-in also needs a directory role that can read this data "
        "(Global Reader is enough for reading).",
        "",
        "As one list (e.g. for Connect-MgGraph -Scopes or an app registration):",
        "  " + ",".join(scopes(write)),
    ]
    return out


def run(args: argparse.Namespace) -> int:
    print("\n".join(lines(getattr(args, "write", False))))
    return 0
