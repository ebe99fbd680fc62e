"""Run a sync in a child process and follow its progress (the app's refresh key).

The child is `python -m tui sync --progress-json <source args>`: it reads, analyses and
writes a new snapshot while the app keeps showing the old one; its memory goes away
when it ends, and the analysis never competes with the UI for the GIL. Events arrive as
`SyncEvent`s; the caller reopens the cache when the child reports "done".
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.source import Source


@dataclass
class SyncEvent:
    event: str  # progress, done, error
    kind: str = ""
    done: int = 0
    total: int | None = None
    status: str = ""
    detail: str = ""
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def sync_command(source: Source, *, full: bool = False, now: str | None = None,
                 extra: list[str] | None = None) -> list[str]:
    command = [sys.executable, "-m", "tui", "sync", "--progress-json", *source.to_args()]
    if full:
        command.append("--full")
    if now:
        command += ["--now", now]
    return command + list(extra or [])


def parse_event(line: str) -> SyncEvent | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("event") not in ("progress", "done", "error"):
        return None
    total = data.get("total")
    return SyncEvent(
        event=data["event"], kind=str(data.get("kind") or ""),
        done=int(data.get("done") or 0), total=int(total) if isinstance(total, int) else None,
        status=str(data.get("status") or ""), detail=str(data.get("detail") or ""),
        message=str(data.get("message") or ""), data=data)


class SyncProcess:
    """One running sync child; `run()` returns its final event (done or error)."""

    def __init__(self, command: list[str], on_event: Callable[[SyncEvent], None]) -> None:
        self.command = command
        self.on_event = on_event
        self.process: asyncio.subprocess.Process | None = None
        self.cancelled = False

    async def run(self) -> SyncEvent:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = await asyncio.create_subprocess_exec(
            *self.command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env)
        if self.cancelled:  # stopped before the child was up: it must not run on
            self.process.terminate()
        final: SyncEvent | None = None
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            event = parse_event(raw.decode("utf-8", "replace"))
            if event is None:
                continue
            if event.event in ("done", "error"):
                final = event
            self.on_event(event)
        stderr = await self.process.stderr.read() if self.process.stderr else b""
        code = await self.process.wait()
        if final is None:
            tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            final = SyncEvent("error", message=f"the sync stopped (exit {code})"
                              + (f": {' '.join(tail)}" if tail else ""))
            self.on_event(final)
        return final

    def cancel(self) -> None:
        self.cancelled = True
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
