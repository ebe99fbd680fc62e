"""`wlx serve RECORDING`: a recorded tenant served as Microsoft Graph on loopback.

For benchmarks and for trying the reader against a known tenant: point wlx at the
printed URL with `--graph-url URL --auth none`. Faults make it behave like a busy or
locked-down tenant: throttling (`--fail-rate 429:0.2`, `--throttle-units 8000`), missing
permissions (`--deny /v1.0/auditLogs`), a slow network (`--latency 50`).
The counters (requests, batch items, resource units, throttled answers) are printed on
exit and served at /_wlx/stats while it runs.
Read-only unless `--writable`: then the cleanup writes of `wlx apply` (PATCH, POST,
DELETE) change the served tenant in memory, and later reads show the change; the
recording on disk is never touched. `--deny-writes` answers 403 to every write.
"""

from __future__ import annotations

import argparse
import signal
import sys

HELP = "serve a tenant recording as a local Microsoft Graph on 127.0.0.1 (tests, benchmarks)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", metavar="RECORDING", help="a recording directory")
    parser.add_argument("--port", type=int, default=0,
                        help="port to listen on (default 0: any free port, printed)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="only 127.0.0.1 is accepted: the replay has no authentication")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="milliseconds added to every request")
    parser.add_argument("--fail-rate", default="", metavar="STATUS:RATE,...",
                        help="share of requests (and $batch items) that fail, e.g. "
                        "429:0.2,503:0.05; failures carry Retry-After")
    parser.add_argument("--retry-after", type=int, default=1, metavar="S",
                        help="Retry-After seconds on injected failures (default 1)")
    parser.add_argument("--deny", action="append", default=[], metavar="PATH_PREFIX",
                        help="answer 403 under this path, e.g. /v1.0/auditLogs or "
                        "/beta/reports (repeatable)")
    parser.add_argument("--throttle-units", type=int, default=0, metavar="N",
                        help="Graph's resource unit budget per 10 s (e.g. 8000 for a large "
                        "tenant); over it: 429 with Retry-After")
    parser.add_argument("--report-limit", type=int, default=0, metavar="N",
                        help="requests per 10 s on audit logs and reports (Graph: 5; "
                        "default: no limit)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the injected failures")
    parser.add_argument("--writable", action="store_true",
                        help="accept writes (PATCH, POST, DELETE of the cleanup actions) and "
                        "apply them to the served tenant in memory; read-only otherwise")
    parser.add_argument("--deny-writes", action="store_true",
                        help="answer 403 to every write, like a principal that may only read")
    parser.add_argument("--write-limit", type=int, default=0, metavar="N",
                        help="writes per 150 s before 429 (Graph: 3000; default: no limit)")


def run(args: argparse.Namespace) -> int:
    from graph.recording import RecordingError
    from graph.replay import Faults, Replay, ReplayServer, ReplayState, parse_fail_rates
    from models.text import clean

    if args.host not in ("127.0.0.1", "localhost"):
        print(f"wlx serve: refusing --host {clean(args.host)}: the replay has no "
              "authentication and listens on 127.0.0.1 only", file=sys.stderr)
        return 2
    try:
        rates = parse_fail_rates(args.fail_rate)
    except ValueError as exc:
        print(f"wlx serve: --fail-rate {clean(args.fail_rate)}: {exc}", file=sys.stderr)
        return 2
    try:
        state = ReplayState.from_directory(args.recording)
    except RecordingError as exc:
        print(f"wlx serve: {clean(exc)}", file=sys.stderr)
        return 2
    faults = Faults(latency_ms=args.latency, fail_rates=rates, deny=tuple(args.deny),
                    throttle_units=args.throttle_units, report_requests=args.report_limit,
                    retry_after=args.retry_after, seed=args.seed,
                    deny_writes=args.deny_writes, write_requests=args.write_limit)
    try:
        server = ReplayServer(Replay(state, faults, writable=args.writable), port=args.port)
    except OSError as exc:
        print(f"wlx serve: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    sizes = {name: len(state.collections[f"v1.0/{name}"])
             for name in ("servicePrincipals", "applications")
             if f"v1.0/{name}" in state.collections}
    print(f"wlx replay of tenant {clean(state.tenant_id)}: "
          + ", ".join(f"{n} {name}" for name, n in sizes.items()))
    mode = "writable: writes change it in memory" if args.writable else "read-only"
    print(f"listening on {server.base_url} (loopback only, {mode}; Ctrl-C stops)")
    print(f"use: wlx --graph-url {server.base_url} --auth none", flush=True)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print(f"served {server.replay.stats.summary()}", flush=True)
    return 0
