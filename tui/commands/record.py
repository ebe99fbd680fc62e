"""`wlx record OUT`: write a tenant recording (docs/recording-format.md) to a directory.

`--demo` writes the built-in demo tenant (no Azure account needed): deterministic for a
given `--size`, `--seed` and `--now`. Otherwise wlx signs in (`--tenant`, `--auth`,
`--cloud`) and records what the reader reads, the incident responder's hand-off;
`--replay DIR` re-records a recording (with `--redact`, a shareable copy).
`--redact` replaces display names, UPNs, mail and IP addresses consistently.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.recording import Recording

HELP = "write a tenant recording to a directory (--demo: the built-in demo tenant)"
RECORDING_PARTS = ("recording.json", "v1.0", "beta")  # what a previous recording consists of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT", help="directory to write the recording to")
    parser.add_argument("--demo", action="store_true",
                        help="record the built-in demo tenant instead of a live one")
    parser.add_argument("--size", type=int, default=300, metavar="N",
                        help="demo: about N workload identities (default 300, at most 100000)")
    parser.add_argument("--seed", type=int, default=7, metavar="N",
                        help="demo: seed of the generator (default 7); same seed, same tenant")
    parser.add_argument("--now", metavar="ISO",
                        help="demo: the moment the recording is taken, e.g. "
                        "2026-11-20T09:00:00Z (default: now); all dates are relative to it")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty OUT, replacing a recording already there")
    parser.add_argument("--redact", action="store_true",
                        help="replace display names, UPNs, mail and IP addresses consistently")
    live = parser.add_argument_group("a live tenant (or a recording read again)")
    live.add_argument("--tenant", metavar="T", help="tenant id or domain to sign in to")
    live.add_argument("--auth", metavar="MODE",
                      choices=("device-code", "browser", "cli", "env", "managed-identity",
                               "workload-identity", "none"), help="sign-in, as for `wlx sync`")
    live.add_argument("--cloud", default="global",
                      choices=("global", "usgov", "usgov-dod", "china"), help="national cloud")
    live.add_argument("--graph-url", metavar="URL", help="a Graph-compatible endpoint")
    live.add_argument("--client-id", metavar="ID", help=argparse.SUPPRESS)
    live.add_argument("--token-cache", action="store_true",
                      help="let azure-identity keep its token cache on disk")
    live.add_argument("--replay", metavar="DIR", help="read this recording instead")
    live.add_argument("--sign-in-days", type=int, default=7, metavar="N",
                      help="sign-ins of the last N days (default 7)")
    live.add_argument("--audit-days", type=int, default=30, metavar="N",
                      help="directory audits of the last N days (default 30)")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    problem = _check_out(out, args.force)
    if problem:
        print(f"wlx record: {problem}", file=sys.stderr)
        return 2
    if args.demo:
        return _record_demo(args, out)
    return _record_live(args, out)


def _check_out(out: Path, force: bool) -> str | None:
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a directory"
    if out.is_dir() and any(out.iterdir()) and not force:
        return f"{out} is not empty; use --force to write into it anyway"
    return None


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)  # the command line is the one place that reads the clock
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _clear_previous(out: Path) -> None:
    """--force over an earlier recording: drop its files, so no stale relation survives."""
    if not (out / "recording.json").is_file():
        return  # not a recording: write alongside whatever is there, remove nothing
    for name in RECORDING_PARTS:
        part = out / name
        if part.is_dir() and not part.is_symlink():
            shutil.rmtree(part)
        elif part.exists() or part.is_symlink():
            part.unlink()


def _record_demo(args: argparse.Namespace, out: Path) -> int:
    from graph.demo import MAX_SIZE, generate_demo
    if not 1 <= args.size <= MAX_SIZE:
        print(f"wlx record: --size must be between 1 and {MAX_SIZE}", file=sys.stderr)
        return 2
    try:
        now = _parse_now(args.now)
    except ValueError:
        print(f"wlx record: --now {args.now!r} is not an ISO-8601 time, e.g. "
              "2026-11-20T09:00:00Z", file=sys.stderr)
        return 2
    recording = generate_demo(args.size, args.seed, now=now)
    if not _write(args, recording, out):
        return 1
    apps = len(recording.items("v1.0/applications"))
    sps = len(recording.items("v1.0/servicePrincipals"))
    print(f"wrote the demo tenant (seed {args.seed}, as of {recording.meta()['recordedAt']}): "
          f"{sps:,} service principals, {apps:,} app registrations, "
          f"{len(recording.bodies):,} files, to {out}")
    return 0


def _write(args: argparse.Namespace, recording: Recording, out: Path) -> bool:
    from graph.recording import RecordingError, write_recording

    if args.redact:
        import secrets

        from graph.redact import redact

        recording = redact(recording, secrets.token_hex(16))  # salt never stored
    try:
        if args.force:
            _clear_previous(out)
        write_recording(recording, out)
    except (OSError, RecordingError) as exc:
        print(f"wlx record: cannot write {out}: {exc}", file=sys.stderr)
        return False
    return True


def _record_live(args: argparse.Namespace, out: Path) -> int:
    import asyncio

    from tui.commands.sync import _BarProgress, print_unavailable
    from tui.source import Source, parse_now
    from tui.sync import SyncError, read_source

    if args.replay:
        source = Source("replay", directory=str(Path(args.replay).resolve()))
    elif args.tenant or args.graph_url or args.auth:
        source = Source("graph", tenant=args.tenant or "", auth=args.auth, cloud=args.cloud,
                        graph_url=args.graph_url or "", token_cache=args.token_cache,
                        client_id=args.client_id or "")
    else:
        print("wlx record: say what to record: --tenant T (sign in), --graph-url URL, "
              "--replay DIR or --demo", file=sys.stderr)
        return 2
    try:
        now = parse_now(args.now)
        with _BarProgress() as progress:
            result, _ = asyncio.run(read_source(source, now, lambda tenant: None,
                                                progress.update, args.sign_in_days,
                                                args.audit_days))
    except (SyncError, ValueError) as exc:
        print(f"wlx record: {exc}", file=sys.stderr)
        return 2
    if not _write(args, result.recording, out):
        return 1
    recording = result.recording
    print(f"recorded {recording.tenant_id} as of {recording.meta()['recordedAt']}"
          f"{' (redacted)' if args.redact else ''}: "
          f"{len(recording.items('v1.0/servicePrincipals')):,} service principals, "
          f"{len(recording.items('v1.0/applications')):,} app registrations, "
          f"{result.stats.requests:,} requests, to {out}")
    print_unavailable({k: v.to_json() for k, v in recording.unavailable.items()})
    return 0
