"""The explorer's one writer per session: which Graph the writes go to, and the journal.

- a live tenant: signs in with the write scopes on first use (graph.auth, AuthOptions
  write=True) and writes through the SDK's adapter (GraphSender); `--auth none` loopback
  URLs are written to as they are;
- the demo and `--replay` recordings: one writable replay of the snapshot's recording,
  served on loopback for the whole session ("demo: changes stay in this session"); the
  refresh (`r`) then syncs from that same replay, so what was changed shows.

Nothing here runs unless the admin asks for a write (or a local label change).
"""

from __future__ import annotations

import asyncio
from typing import Any

from graph.writes import Context, GraphSender, HttpSender, WriteMode, Writer, write_mode
from tui.keys import READ_ONLY_REASON
from tui.source import Source

IN_SESSION = "demo: changes stay in this session"


class WriteSession:
    """Created lazily by `session_of(app)`; holds the writer and the writable replay."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.writer: Writer | None = None
        self.server: Any = None  # the ReplayServer of a demo or a recording
        self.replay: Any = None
        self.where = ""  # where the writes go, for the confirm dialog
        self.replay_faults: Any = None  # graph.replay.Faults for the session's replay
        self._lock = asyncio.Lock()

    # -- what the source is -------------------------------------------------------------
    @property
    def tenant_id(self) -> str:
        meta = self.app.meta or self.app.source.meta()
        return meta.tenant_id

    def source(self) -> Source | None:
        snapshot = getattr(self.app.source, "snapshot", None)
        return Source.from_json((getattr(snapshot, "meta", None) or {}).get("source"))

    def mode(self) -> WriteMode:
        if self.app.read_only:
            return WriteMode.read_only(READ_ONLY_REASON)
        return write_mode(True)

    def journal(self) -> Any:
        return self.app.source.store.tenant(self.tenant_id).journal

    def labels(self) -> Any:
        return self.app.source.store.tenant(self.tenant_id).labels

    def context(self) -> Context:
        """Names, credential types and kinds of every object in the snapshot."""
        snapshot = getattr(self.app.source, "snapshot", None)
        recording = snapshot.recording() if snapshot is not None else None
        return Context.from_recording(recording) if recording is not None else Context()

    # -- the writer ---------------------------------------------------------------------
    def offline_writer(self) -> Writer:
        """A writer without a connection: previews, the journal, labels (no sign-in)."""
        if self.writer is not None:
            return self.writer
        return Writer(None, self.journal(), self.tenant_id, mode=self.mode(),
                      labels=self.labels())

    async def connected(self) -> Writer:
        """The session's writer, connecting (and signing in) on first use."""
        async with self._lock:
            if self.writer is None:
                sender, principal = await asyncio.to_thread(self._sender)
                if hasattr(sender, "sign_in"):
                    principal = await sender.sign_in()
                self.writer = Writer(sender, self.journal(), self.tenant_id, mode=self.mode(),
                                     principal=principal, labels=self.labels())
            return self.writer

    def _sender(self) -> tuple[Any, str]:
        source = self.source()
        if source is None:
            raise RuntimeError("this snapshot does not say where it was read from: "
                               "writes need a tenant, a recording or the demo")
        if source.kind in ("demo", "replay"):
            return self._replay_sender(source), IN_SESSION
        return self._graph_sender(source), ""

    def _replay_sender(self, source: Source) -> HttpSender:
        from graph.replay import Replay, ReplayServer, ReplayState

        snapshot = self.app.source.snapshot
        recording = snapshot.recording()
        if recording is None:
            raise RuntimeError("the cached snapshot has no recording to write to")
        self.replay = Replay(ReplayState(recording), self.replay_faults, writable=True)
        self.server = ReplayServer(self.replay).start()
        self.where = f"{IN_SESSION} ({source.describe()})"
        # `r` reads this same replay from now on, so the changes show after a refresh
        served = Source("graph", auth="none", graph_url=self.server.base_url,
                        extra={"session_of": source.to_json()})
        self.app.syncer.source = lambda: served  # type: ignore[method-assign]
        return HttpSender.over(base_url=self.server.base_url)

    def _graph_sender(self, source: Source) -> Any:
        from graph.auth import AuthOptions, is_loopback, prepare_sign_in
        from graph.client import client_for

        auth = source.auth
        if auth is None and source.graph_url and is_loopback(source.graph_url):
            auth = "none"
        sign = prepare_sign_in(AuthOptions(
            mode=auth, tenant=source.tenant or self.tenant_id, cloud=source.cloud,
            graph_url=source.graph_url or None, token_cache=source.token_cache,
            client_id=source.client_id or None, write=True,
            device_code_prompt=lambda url, code, expires: self.app.call_from_thread(
                self.app.flash, f"to sign in for writes, open {url} and enter {code}",
                "warning")))
        self.where = source.graph_url or f"Microsoft Graph ({source.cloud})"
        return _SignedSender(sign, client_for(sign))

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


class _SignedSender(GraphSender):
    """GraphSender that signs in with the write scopes before the first write."""

    def __init__(self, sign: Any, client: Any) -> None:
        super().__init__(client)
        self.sign = sign

    async def sign_in(self) -> str:
        from graph.auth import sign_in

        if self.sign.credential is None:
            return ""
        return (await sign_in(self.sign)).name


def session_of(app: Any) -> WriteSession:
    """The app's write session (one per app)."""
    session = getattr(app, "write_session", None)
    if session is None:
        session = WriteSession(app)
        app.write_session = session
    return session
