"""Where a tenant's data comes from, and how to reach it again for a refresh.

A `Source` is one of: the built-in demo tenant, a recording directory (`--replay DIR`),
or a Graph endpoint (a live tenant, or any Graph-compatible URL such as `wlx serve`).
The demo and recordings are served by the replay Graph in process, so every source is
read by the same reader (one data path). A Source is kept in the snapshot's meta so that
`r` in the app and `wlx sync --tenant T` can read the same tenant again.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEMO_SEED = 7


@dataclass
class Source:
    kind: str  # "demo", "replay" or "graph"
    demo_size: int = 300
    demo_seed: int = DEMO_SEED
    directory: str = ""  # replay
    tenant: str = ""  # graph: tenant id or domain to sign in to
    auth: str | None = None
    cloud: str = "global"
    graph_url: str = ""
    token_cache: bool = False
    client_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        if self.stands_for() is not None:
            return f"{self.stands_for().describe()} with this session's changes"  # type: ignore[union-attr]
        if self.kind == "demo":
            return f"the demo tenant ({self.demo_size} identities)"
        if self.kind == "replay":
            return f"the recording {self.directory}"
        where = self.graph_url or f"Microsoft Graph ({self.cloud})"
        return f"{self.tenant or 'your tenant'} on {where}"

    @property
    def origin(self) -> str:
        return {"demo": "demo", "replay": "recording"}.get(self.kind, "live")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Source | None:
        if not isinstance(data, dict) or data.get("kind") not in ("demo", "replay", "graph"):
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return None

    def to_args(self) -> list[str]:
        """Command-line arguments that name this source again (for a sync subprocess)."""
        if self.kind == "demo":
            return ["--demo", "--demo-size", str(self.demo_size), "--demo-seed",
                    str(self.demo_seed)]
        if self.kind == "replay":
            return ["--replay", self.directory]
        args = ["--cloud", self.cloud]
        for flag, value in (("--tenant", self.tenant), ("--auth", self.auth),
                            ("--graph-url", self.graph_url), ("--client-id", self.client_id)):
            if value:
                args += [flag, value]
        if self.token_cache:
            args.append("--token-cache")
        if self.stands_for() is not None:
            args += ["--session-of", json.dumps(self.extra["session_of"])]
        return args

    def stands_for(self) -> Source | None:
        """The demo or recording this loopback source serves for a write session: the
        snapshot keeps naming that one (origin, header, the next session's refresh)."""
        return Source.from_json(self.extra.get("session_of"))


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose a tenant; shared by the explorer, sync, record and report."""
    group = parser.add_argument_group("where the data comes from")
    group.add_argument("--demo", action="store_true",
                       help="the built-in demo tenant (no Azure account needed)")
    group.add_argument("--demo-size", type=int, default=300, metavar="N",
                       help="workload identities in the demo tenant (default 300)")
    group.add_argument("--demo-seed", type=int, default=DEMO_SEED, help=argparse.SUPPRESS)
    group.add_argument("--replay", metavar="DIR", help="a recording made by `wlx record`")
    group.add_argument("--tenant", metavar="T",
                       help="tenant id or domain: sign in to it, or open its cached snapshot")
    group.add_argument("--graph-url", metavar="URL",
                       help="a Graph-compatible endpoint, e.g. `wlx serve` on loopback")
    group.add_argument("--auth", metavar="MODE",
                       choices=("device-code", "browser", "cli", "env", "managed-identity",
                                "workload-identity", "none"),
                       help="sign-in: device-code (default over SSH), browser, cli, env, "
                       "managed-identity, workload-identity; none only for a loopback URL")
    group.add_argument("--cloud", default="global",
                       choices=("global", "usgov", "usgov-dod", "china"),
                       help="national cloud (sets the Graph host and the sign-in authority)")
    group.add_argument("--client-id", metavar="ID", help=argparse.SUPPRESS)
    group.add_argument("--session-of", metavar="JSON", help=argparse.SUPPRESS)
    group.add_argument("--token-cache", action="store_true",
                       help="let azure-identity keep its token cache on disk (off by default)")
    group.add_argument("--now", metavar="ISO",
                       help="evaluate as of this time (default: the data's own time)")


def source_from_args(args: argparse.Namespace) -> Source | None:
    """The source the options name; None when they only name a cached tenant (or nothing)."""
    if getattr(args, "demo", False):
        return Source("demo", demo_size=args.demo_size, demo_seed=args.demo_seed)
    if getattr(args, "replay", None):
        return Source("replay", directory=str(Path(args.replay).resolve()))
    if getattr(args, "graph_url", None) or getattr(args, "auth", None):
        extra: dict[str, Any] = {}
        if getattr(args, "session_of", None):
            try:
                extra["session_of"] = json.loads(args.session_of)
            except ValueError:
                pass  # not ours to fail on: the snapshot then names the loopback source
        return Source("graph", tenant=args.tenant or "", auth=args.auth, cloud=args.cloud,
                      graph_url=args.graph_url or "", token_cache=args.token_cache,
                      client_id=args.client_id or "", extra=extra)
    return None


def parse_now(text: str | None) -> datetime | None:
    """`--now` as an aware datetime; ValueError with a clear message when malformed."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--now {text!r} is not an ISO-8601 time, "
                         "e.g. 2026-11-26T09:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def wall_clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
