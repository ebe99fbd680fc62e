"""The replay as a real HTTP server on loopback, for `wlx serve`, tests and benchmarks.

Standard library only: `ThreadingHTTPServer` (a thread per connection, HTTP/1.1
keep-alive, Nagle off so small answers are not held back by delayed ACKs). It binds
127.0.0.1 and nothing else: the replay has no authentication.

    with ReplayServer(replay, port=0) as server:   # port 0: any free port
        httpx.get(f"{server.base_url}/v1.0/servicePrincipals")
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from graph.replay.faults import Faults
from graph.replay.handler import Replay
from graph.replay.state import ReplayState

LOOPBACK = {"127.0.0.1", "localhost"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive clients must not hold up stop()
    request_queue_size = 256
    replay: Replay


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "wlx-replay"
    sys_version = ""
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        replay = self.server.replay
        if replay.latency:
            time.sleep(replay.latency)
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            split = urlsplit(target)
            target = split.path + (f"?{split.query}" if split.query else "")
        reply = replay.handle(self.command, target, dict(self.headers.items()), body)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass  # the counters tell the story; a line per request would drown a benchmark

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True


class ReplayServer:
    """A running replay on http://127.0.0.1:PORT; start() in a thread or serve_forever()."""

    def __init__(self, source: ReplayState | Replay, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the replay serves loopback only (127.0.0.1), not {host!r}: "
                             "it has no authentication")
        self.replay = source if isinstance(source, Replay) else Replay(source, faults)
        self.httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.replay = self.replay
        self.port: int = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.replay.base_url = self.base_url  # next and delta links point back here
        self._thread: threading.Thread | None = None

    def start(self) -> ReplayServer:
        """Serve in a background thread; returns self (see base_url)."""
        # a short poll interval lets stop() return at once (tests start many servers)
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                        name=f"wlx-replay:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
