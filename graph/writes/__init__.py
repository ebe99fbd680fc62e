"""Every write to Microsoft Graph goes through this package (issue 6): nothing else sends one.

    writer = Writer(sender, journal, tenant_id, mode=write_mode(flag, config, tenant_id), ...)
    preview = writer.preview(actions, context)   # targets, exact requests, PowerShell, undo
    preview.confirmation                          # what the admin must type, if anything
    result = await writer.execute(actions, typed=..., context=context, progress=...)
    await writer.resume()  /  await writer.undo(writer.last_undoable())

Modules: mode (read-only unless asked), sender (HTTP out, answers back), base and the ops_*
modules (each action: reads, requests, prior state, undo, PowerShell), catalog (by name),
preview (what the admin confirms), reads and throttle (retries and pacing), writer (the
choke point: checks, journal before and after, idempotent resume, undo), history (the
journal as people read it).
"""

from graph.writes.base import GraphRequest, Operation
from graph.writes.catalog import OPERATIONS, operation_for
from graph.writes.history import JournalRow, Progress, RunResult, permission_for, row
from graph.writes.mode import WriteMode, write_mode
from graph.writes.preview import Confirmation, Context, Preview, build_preview, confirmation_for
from graph.writes.sender import Answer, GraphSender, HttpSender, NoAnswer, Sender
from graph.writes.throttle import RetryPolicy, WritePace
from graph.writes.writer import Writer, WriteRefused

__all__ = [
    "OPERATIONS", "Answer", "Confirmation", "Context", "GraphRequest", "GraphSender",
    "HttpSender",
    "JournalRow", "NoAnswer", "Operation", "Preview", "Progress", "RetryPolicy", "RunResult",
    "Sender", "WritePace", "WriteMode", "WriteRefused", "Writer", "build_preview",
    "confirmation_for", "operation_for", "permission_for", "row", "write_mode",
]
