"""The one choke point for every write to Graph (issue 6): no screen or command sends a
write any other way.

    writer = Writer(sender, store.tenant(t).journal, t, mode=write_mode(...),
                    principal="admin@contoso.com", labels=store.tenant(t).labels)
    preview = writer.preview(ops, context)              # requests, undo, what to type
    result = await writer.execute(ops, typed="3", context=context, progress=callback)
    await writer.resume()                               # finish an interrupted run
    await writer.undo(writer.last_undoable())           # undo the last run

What it guarantees:
- read-only unless the mode says writable: a refusal raises WriteRefused before anything
  is journalled or sent; label changes (local) are allowed either way;
- the typed confirmation is checked here too, not only by the UI;
- every action is journalled before it runs (planned), again just before its requests go
  out (running, with the exact requests and the prior state needed to undo), and after
  (done / skipped / failed, with Graph's answer); never a secret or a token;
- before each write it reads the current state: an action already done is not sent again
  (skipped), so a resumed run never does anything twice; a run interrupted by a crash
  leaves `running` entries whose outcome is checked this way;
- 429/503/504 wait for Retry-After and retry; a wait too long, a 403 or a lost answer stop
  the run, leaving the rest `planned` with the reason, for `resume`.
"""

from __future__ import annotations

import asyncio
import getpass
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from graph.writes.base import GraphRequest, Operation, ReadFailed
from graph.writes.catalog import operation_for
from graph.writes.history import FINAL, Progress, RunResult, permission_for, summarize
from graph.writes.mode import WriteMode
from graph.writes.ops_labels import LabelStore, LocalOperation
from graph.writes.preview import Context, Preview, build_preview, confirmation_for
from graph.writes.reads import Reads
from graph.writes.sender import Answer, NoAnswer, Sender
from graph.writes.throttle import RETRY_STATUSES, RetryPolicy, Sleep, WritePace


class Journal(Protocol):
    """What cache.journal offers (graph never imports the cache)."""

    def append(self, entry: dict[str, Any]) -> str: ...

    def update(self, entry_id_: str | int, **fields: Any) -> dict[str, Any]: ...

    def get(self, entry_id_: str | int) -> dict[str, Any] | None: ...

    def entries(self, limit: int | None = None, since: Any = None) -> list[dict[str, Any]]: ...


class WriteRefused(Exception):
    """Nothing was journalled or sent; the message says why."""


class _Stop(Exception):
    """The run stops here; the entry keeps `status` and the message is the reason."""

    def __init__(self, message: str, status: str = "planned",
                 outcome: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.outcome = outcome or {}


class Writer:
    def __init__(self, sender: Sender | None, journal: Journal, tenant_id: str, *,
                 mode: WriteMode, principal: str = "", labels: LabelStore | None = None,
                 retry: RetryPolicy | None = None, pace: WritePace | None = None,
                 sleep: Sleep = asyncio.sleep,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sender = sender
        self.journal = journal
        self.tenant_id = tenant_id
        self.mode = mode
        self.principal = principal
        self.labels = labels
        self.retry = retry or RetryPolicy()
        self.pace = pace or WritePace()
        self.sleep = sleep
        self.clock = clock
        self.reads = Reads(sender, self.retry, sleep) if sender is not None else None

    # -- before: preview and checks --------------------------------------------------

    def preview(self, actions: list[Any], context: Context | None = None) -> Preview:
        return build_preview([operation_for(a) for a in actions], context, self.mode)

    def _check(self, ops: list[Operation], typed: str | None, context: Context | None,
               confirmed: bool) -> None:
        changes = [op for op in ops if not op.local]
        if changes and not self.mode.enabled:
            raise WriteRefused(self.mode.reason)
        if changes and self.sender is None:
            raise WriteRefused("no connection to Graph to send the changes with")
        if any(op.local for op in ops) and self.labels is None:
            raise WriteRefused("labels need the local cache, which is not open")
        needed = confirmation_for(ops, (context or Context()).names)
        if needed is not None and not confirmed and not needed.matches(typed):
            raise WriteRefused(f"not confirmed: type {needed.text!r} to confirm "
                               f"({'nothing' if not typed else repr(typed)} was typed)")

    def _by(self) -> dict[str, str]:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
        return {"principal": self.principal or "(no sign-in)", "localUser": user}

    # -- run -------------------------------------------------------------------------

    async def execute(self, actions: list[Any], *, typed: str | None = None,
                      context: Context | None = None,
                      progress: Callable[[Progress], None] | None = None,
                      confirmed: bool = False, source: dict[str, Any] | None = None,
                      undoes: list[str] | None = None) -> RunResult:
        """Journal and run these actions in order. `typed` is what the admin typed to
        confirm; `confirmed` is for callers that asked already (`wlx apply --yes`)."""
        ops = [operation_for(a) for a in actions]
        self._check(ops, typed, context, confirmed)
        context = context or Context()
        run_id = f"{self.clock().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        ids = []
        for position, op in enumerate(ops, start=1):
            name = context.names.get(op.target, "")
            entry = {
                "kind": "undo" if undoes else "apply", "run": run_id, "position": position,
                "count": len(ops), "tenantId": self.tenant_id, "by": self._by(),
                "graphUrl": self.sender.base_url if self.sender else "",
                "action": op.to_json(), "title": op.describe(f"'{name}'" if name else ""),
                "planned": [r.to_json() for r in op.planned(context.hint(op))],
                "status": "planned",
            }
            if source:
                entry["source"] = source
            if undoes:
                entry["undoes"] = undoes[position - 1]
            ids.append(self.journal.append(entry))
        return await self._run(run_id, ids, progress)

    def unfinished(self) -> dict[str, list[dict[str, Any]]]:
        """Runs with entries still planned or running, by run id (oldest run first)."""
        runs: dict[str, list[dict[str, Any]]] = {}
        for entry in self.journal.entries():
            if entry.get("status") not in FINAL and entry.get("tenantId") == self.tenant_id:
                runs.setdefault(str(entry.get("run")), []).append(entry)
        return runs

    async def resume(self, run_id: str | None = None,
                     progress: Callable[[Progress], None] | None = None) -> RunResult:
        """Finish an interrupted run (the newest one unless `run_id`)."""
        runs = self.unfinished()
        if not runs:
            raise WriteRefused("nothing to resume: every journalled action is finished")
        if run_id is None:
            run_id = list(runs)[-1]
        if run_id not in runs:
            raise WriteRefused(f"run {run_id} has nothing left to do")
        entries = sorted(runs[run_id], key=lambda e: e.get("position", 0))
        self._check([operation_for(e["action"]) for e in entries], None, None, True)
        result = await self._run(run_id, [e["id"] for e in entries], progress)
        # the summary covers the whole run, what the first attempt did included
        whole = [e for e in self.journal.entries() if e.get("run") == run_id]
        return summarize(run_id, whole, result.stopped)

    async def _run(self, run_id: str, ids: list[str],
                   progress: Callable[[Progress], None] | None) -> RunResult:
        stopped = None
        report = progress or (lambda event: None)
        for index, entry_id in enumerate(ids, start=1):
            entry = self.journal.get(entry_id) or {}
            if entry.get("status") in FINAL:
                continue
            report(Progress(index, len(ids), entry_id, "running", entry.get("title", "")))
            try:
                status, message = await self._one(entry, operation_for(entry["action"]))
            except _Stop as stop:
                status = stop.status
                if entry.get("status") == "running" and "requests" in entry:
                    status = "running"  # it may have happened before: still unknown
                fields = {"status": status, "stopped": {
                    **stop.outcome, "reason": str(stop), "at": self.clock().isoformat()}}
                self.journal.update(entry_id, **fields)
                stopped = str(stop)
                report(Progress(index, len(ids), entry_id, "stopped", entry.get("title", ""),
                                stopped))
                break
            report(Progress(index, len(ids), entry_id, status, entry.get("title", ""), message))
        self._mark_undone(ids)
        return summarize(run_id, [self.journal.get(i) or {} for i in ids], stopped)

    def _mark_undone(self, ids: list[str]) -> None:
        for entry_id in ids:
            entry = self.journal.get(entry_id) or {}
            original = entry.get("undoes")
            if original and entry.get("status") in ("done", "skipped"):
                self.journal.update(original, status="undone", undoneBy=entry_id)

    async def _one(self, entry: dict[str, Any], op: Operation) -> tuple[str, str]:
        entry_id = entry["id"]
        was_running = entry.get("status") == "running" and "requests" in entry
        self.journal.update(entry_id, status="running", attempts=entry.get("attempts", 0) + 1)
        if isinstance(op, LocalOperation):
            self.journal.update(entry_id, requests=[])  # local: no Graph request at all
            found = op.apply(self.labels, self.principal, self.clock().isoformat())
            return self._finish(entry, op, found.prior, {}, "skipped" if found.done else "done",
                                found.why)
        try:
            found = await op.inspect(self.reads)
        except ReadFailed as exc:
            raise _Stop(self._refusal(op, exc.answer, str(exc)),
                        outcome=exc.answer.outcome() if exc.answer else {}) from None
        if found.blocked:
            self.journal.update(entry_id, status="failed", outcome={"message": found.blocked})
            return "failed", found.blocked
        prior = entry["prior"] if entry.get("prior") is not None else found.prior
        if found.done:
            # a `running` entry with requests journalled was cut off after sending: done
            status = "done" if was_running else "skipped"
            why = f"confirmed after an interruption: {found.why}" if was_running else found.why
            result = dict(entry.get("result") or {})
            if "created" in found.prior:  # what an interrupted create made, for its undo
                result["created"] = found.prior["created"]
            return self._finish(entry, op, prior, result, status, why)
        requests = op.requests(found.prior)
        self.journal.update(entry_id, prior=prior, requests=[r.to_json() for r in requests])
        answers = []
        for request in requests:
            answer = await self._send(entry_id, op, request)
            gone = None if answer.ok else op.check_answer(request, answer)
            if answer.ok or gone:
                answers.append(answer.json())
                continue
            if answer.status in (401, 403):
                raise _Stop(self._refusal(op, answer), outcome=answer.outcome())
            self.journal.update(entry_id, status="failed", outcome=answer.outcome())
            return "failed", answer.reason
        return self._finish(entry, op, prior, op.result(answers), "done", "")

    def _finish(self, entry: dict[str, Any], op: Operation, prior: dict[str, Any],
                result: dict[str, Any], status: str, why: str) -> tuple[str, str]:
        undo_op = op.undo({**prior, **result}) if status == "done" else None
        undo = {"possible": undo_op is not None, "text": op.undo_text(prior)}
        if undo_op is not None:
            undo["action"] = undo_op.to_json()
        fields: dict[str, Any] = {"status": status, "prior": prior, "undo": undo}
        if result:
            fields["result"] = result
        if why:
            fields["note"] = why
        self.journal.update(entry["id"], **fields)
        return status, why

    async def _send(self, entry_id: str, op: Operation, request: GraphRequest) -> Answer:
        """One write with retries; raises _Stop when the run must stop."""
        for attempt in range(1, self.retry.max_attempts + 1):
            await self.pace.before_write(self.sleep)
            try:
                answer = await self.sender.send(request.method, request.path, request.body)
            except NoAnswer as exc:
                # the change may have happened: leave it `running`; resume checks first
                raise _Stop(f"no answer from Graph ({exc}): whether this change happened is "
                            "unknown; resume checks the tenant before sending it again",
                            status="running") from None
            if answer.status not in RETRY_STATUSES:
                return answer
            wait = self.retry.wait_for(attempt, answer.retry_after)
            entry = self.journal.get(entry_id) or {}
            self.journal.update(entry_id, throttled=entry.get("throttled", 0) + 1)
            if answer.status == 504:  # a gateway timeout may hide a change that happened
                raise _Stop(f"Graph timed out ({answer.reason}): whether this change happened "
                            "is unknown; resume checks the tenant before sending it again",
                            status="running", outcome=answer.outcome())
            if wait > self.retry.max_wait or attempt == self.retry.max_attempts:
                raise _Stop(f"Graph is throttling writes ({answer.reason}; asked to wait "
                            f"{wait:.0f} s): stopped here, nothing of this action was done; "
                            "resume continues", outcome=answer.outcome())
            await self.sleep(wait)
        raise AssertionError("unreachable")

    def _refusal(self, op: Operation, answer: Answer | None, text: str = "") -> str:
        reason = answer.reason if answer is not None else text
        if answer is not None and answer.status in (401, 403):
            return (f"Graph refused this change ({reason}). It needs "
                    f"{permission_for(op.action.get('action', ''))}, granted to the signed-in "
                    "principal (and, signed in as a user, a role that allows it, e.g. Cloud "
                    "Application Administrator). Nothing else was sent; resume finishes the "
                    "rest once that is fixed.")
        return f"{reason}: stopped here; resume continues"

    # -- undo ------------------------------------------------------------------------

    def last_undoable(self) -> list[dict[str, Any]]:
        """The done entries of the newest run that changed something, newest first. Undo
        runs are passed over, so undoing again walks further back (an undo itself is
        undone by its entry id)."""
        entries = [e for e in self.journal.entries() if e.get("tenantId") == self.tenant_id]
        for entry in reversed(entries):
            if entry.get("status") == "done" and entry.get("kind") != "undo":
                run = entry.get("run")
                return [e for e in reversed(entries) if e.get("run") == run
                        and e.get("status") == "done"]
        return []

    def undo_actions(self, entries: list[dict[str, Any]]) -> tuple[list[Any], list[str], list[str]]:
        """(undo actions, the entry ids they undo, why the others cannot be undone)."""
        actions, ids, problems = [], [], []
        for entry in entries:
            undo = entry.get("undo") or {}
            if entry.get("status") == "undone":
                problems.append(f"{entry['id']}: already undone by {entry.get('undoneBy')}")
            elif entry.get("status") != "done":
                problems.append(f"{entry['id']}: {entry.get('status')}, nothing to undo")
            elif not undo.get("possible"):
                problems.append(f"{entry['id']}: cannot be undone: {undo.get('text')}")
            else:
                actions.append(undo["action"])
                ids.append(entry["id"])
        return actions, ids, problems

    async def undo(self, entries: list[dict[str, Any]], *, typed: str | None = None,
                   context: Context | None = None, confirmed: bool = False,
                   progress: Callable[[Progress], None] | None = None) -> RunResult:
        actions, ids, problems = self.undo_actions(entries)
        if not actions:
            raise WriteRefused("; ".join(problems) or "nothing to undo")
        return await self.execute(actions, typed=typed, context=context, progress=progress,
                                  confirmed=confirmed, undoes=ids)
