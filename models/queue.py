"""The maintenance queue: findings walked one at a time, like `git add -p`, with the admin's
decisions kept across sessions and refreshes.

    queue = Queue.new(QueueFilter(rules=("credential-expired",)), now)
    session = queue.start_session(now, by="admin@contoso.com")
    walk = queue.walk(findings, rows, labels, now)          # what is left, in order
    queue.skip(walk[0].finding, now); queue.done(walk[1].finding, now, action=plan_action)
    queue.snooze(f, until, now); queue.accept(f, "vendor contract", expires, now)
    queue.refresh(new_findings, as_of)                      # after a sync: fixed ones drop out
    text = summary_markdown(queue.summary(session), ...)     # for the change record

Items are keyed by the findings' stable ids, so a decision survives a new snapshot. The
whole state is one JSON-able document (`to_json`), saved per tenant by
`cache.queue_store`. Decisions: done (the action was applied; confirmed when the next sync
no longer has the finding, reopened if it still does), skipped (back at the end of this
session's walk, pending again next session), snoozed until a time, accepted with a reason
until an expiry. The action an item offers comes from `models.remedies.remedies(finding,
identity)` (issue 6), applied through its safety model; `done` records what was applied.
Pure: `now` is always an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.finding import Finding, severity_rank
from models.findings import RULES
from models.query import parse_query
from models.report import md
from models.tiers import rank

FORMAT = "wlx-queue/1"
PENDING, DONE, SKIPPED, SNOOZED, ACCEPTED = "pending", "done", "skipped", "snoozed", "accepted"
STATES = (PENDING, DONE, SKIPPED, SNOOZED, ACCEPTED)
RESOLVED_KEPT = 2000  # resolved items remembered for summaries (oldest dropped)
_RULE_ORDER = {rule.id: n for n, rule in enumerate(RULES)}
_LISTS = ("rules", "severities", "tiers", "kinds", "labels")


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class QueueFilter:
    """Which findings the queue holds; an empty field means any. `query` is the explorer's
    filter language (`kind:app !owner:svc-`) over the finding's identity."""

    rules: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    query: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**{k: list(getattr(self, k)) for k in _LISTS}, "query": self.query}

    @classmethod
    def from_json(cls, data: Any) -> QueueFilter:
        data = data if isinstance(data, dict) else {}

        lists = {k: tuple(str(v) for v in data[k]) for k in _LISTS if isinstance(data.get(k), list)}
        return cls(**lists, query=str(data.get("query") or ""))

    def describe(self) -> str:
        parts = [f"{k} {', '.join(getattr(self, k))}" for k in _LISTS if getattr(self, k)]
        if self.query:
            parts.append(f"filter '{self.query}'")
        return "; ".join(parts) or "all findings"


@dataclass(frozen=True)
class QueueItem:
    finding: Finding
    name: str
    kind: str
    tier: str
    state: str  # STATES
    record: dict[str, Any] | None = None  # the decision, when there is one


def _get(row: Any, name: str, default: Any = "") -> Any:
    value = row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
    return default if value is None else value


@dataclass
class Queue:
    doc: dict[str, Any] = field(default_factory=dict)

    # -- the document --------------------------------------------------------------------
    @classmethod
    def new(cls, queue_filter: QueueFilter, now: datetime, name: str = "default") -> Queue:
        return cls({"format": FORMAT, "name": name, "filter": queue_filter.to_json(),
                    "createdAt": _iso(now), "sessions": [], "items": {}, "resolved": {},
                    "lastSync": None})

    @classmethod
    def from_json(cls, doc: Any) -> Queue:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"not a saved maintenance queue ({FORMAT})")
        for key, empty in (("sessions", []), ("items", {}), ("resolved", {})):
            if not isinstance(doc.get(key), type(empty)):
                doc[key] = empty
        return cls(doc)

    def to_json(self) -> dict[str, Any]:
        return self.doc

    @property
    def filter(self) -> QueueFilter:
        return QueueFilter.from_json(self.doc.get("filter"))

    @property
    def session(self) -> int | None:
        """The current (last started) session, or None before the first."""
        sessions = self.doc["sessions"]
        return sessions[-1]["id"] if sessions else None

    def start_session(self, now: datetime, by: str = "") -> int:
        number = (self.session or 0) + 1
        self.doc["sessions"].append({"id": number, "started": _iso(now), "ended": None, "by": by})
        return number

    def end_session(self, now: datetime) -> None:
        if self.doc["sessions"]:
            self.doc["sessions"][-1]["ended"] = _iso(now)

    # -- what is in the queue -------------------------------------------------------------
    def matches(self, finding: Finding, row: Any, labels: Iterable[str] = ()) -> bool:
        f = self.filter
        tier, kind = str(_get(row, "tier")), str(_get(row, "kind"))
        label_set = {label.lower() for label in labels}
        if (f.rules and finding.rule not in f.rules) or \
                (f.severities and finding.severity not in f.severities) or \
                (f.tiers and tier not in f.tiers) or (f.kinds and kind not in f.kinds) or \
                (f.labels and not label_set & {label.lower() for label in f.labels}):
            return False
        if not f.query:
            return True
        query = parse_query(f.query)
        owners = _get(row, "owners") if isinstance(_get(row, "owners"), str) else ""
        text = "\n".join(str(v).lower() for v in (_get(row, "display_name"), finding.identity_id,
                                                  _get(row, "app_id"), finding.summary) if v)
        return query.matches({"kind": kind, "tier": tier, "rule": finding.rule,
                              "severity": finding.severity, "owner": owners,
                              "label": tuple(labels)}, text)

    def items(self, findings: Iterable[Finding], rows: Mapping[str, Any],
              labels: Mapping[str, Iterable[str]] | None = None) -> list[QueueItem]:
        """Every finding of the queue with its state, in walking order (worst first)."""
        records = self.doc["items"]
        labels = labels or {}
        chosen = []
        for finding in findings:
            row = rows.get(finding.identity_id)
            if row is None or not self.matches(finding, row, labels.get(finding.identity_id, ())):
                continue
            record = records.get(finding.id)
            state = record["state"] if record else PENDING
            chosen.append(QueueItem(finding, str(_get(row, "display_name")), str(_get(row, "kind")),
                                    str(_get(row, "tier")), state, record))
        chosen.sort(key=lambda i: (-severity_rank(i.finding.severity), -rank(i.tier),
                                   _RULE_ORDER.get(i.finding.rule, 99), i.name.lower(),
                                   i.finding.id))
        return chosen

    def walk(self, findings: Iterable[Finding], rows: Mapping[str, Any],
             labels: Mapping[str, Iterable[str]] | None = None, now: datetime | None = None,
             ) -> list[QueueItem]:
        """What is left to look at now: pending items, then those skipped in this session.
        Done ones, and snoozed or accepted ones whose date has not come, are left out."""
        pending, skipped = [], []
        for item in self.items(findings, rows, labels):
            state = self.effective_state(item.record, now)
            if state == PENDING:
                pending.append(item)
            elif state == SKIPPED:
                skipped.append(item)
        return pending + skipped

    def effective_state(self, record: dict[str, Any] | None, now: datetime | None) -> str:
        """A decision as it stands now: skips of earlier sessions, ended snoozes and expired
        acceptances count as pending."""
        if not record:
            return PENDING
        state = record.get("state")
        if state == SKIPPED and record.get("session") != self.session:
            return PENDING
        if state in (SNOOZED, ACCEPTED) and now is not None:
            until = _time(record.get("until") if state == SNOOZED else record.get("expires"))
            if until is None or until <= now:
                return PENDING
        return state if state in STATES else PENDING

    def counts(self, findings: Iterable[Finding], rows: Mapping[str, Any],
               labels: Mapping[str, Iterable[str]] | None = None,
               now: datetime | None = None) -> dict[str, int]:
        """Items by effective state, and the total (for "12 of 140 left")."""
        counts = {state: 0 for state in STATES}
        for item in self.items(findings, rows, labels):
            counts[self.effective_state(item.record, now)] += 1
        counts["total"] = sum(counts[s] for s in STATES)
        return counts

    # -- decisions ------------------------------------------------------------------------
    def _decide(self, finding: Finding, state: str, now: datetime, **extra: Any) -> dict[str, Any]:
        record = {"state": state, "at": _iso(now), "session": self.session, "rule": finding.rule,
                  "severity": finding.severity, "identityId": finding.identity_id,
                  "summary": finding.summary, **{k: v for k, v in extra.items() if v is not None}}
        self.doc["items"][finding.id] = record
        return record

    def done(self, finding: Finding, now: datetime, action: Any = None, note: str = "",
             name: str = "") -> dict[str, Any]:
        """The admin applied the recommended action (`action`: what, e.g. a journal entry)."""
        return self._decide(finding, DONE, now, action=action, note=note or None, name=name or None)

    def skip(self, finding: Finding, now: datetime, name: str = "") -> dict[str, Any]:
        return self._decide(finding, SKIPPED, now, name=name or None)

    def snooze(self, finding: Finding, until: datetime, now: datetime, note: str = "",
               name: str = "") -> dict[str, Any]:
        if until <= now:
            raise ValueError("snooze until a time still to come")
        return self._decide(finding, SNOOZED, now, until=_iso(until), note=note or None,
                            name=name or None)

    def accept(self, finding: Finding, reason: str, expires: datetime, now: datetime,
               by: str = "", name: str = "") -> dict[str, Any]:
        """Accept the risk until `expires`, with the reason an auditor will read."""
        if not reason.strip():
            raise ValueError("accepting a risk needs a reason")
        if expires <= now:
            raise ValueError("an acceptance needs an expiry still to come")
        return self._decide(finding, ACCEPTED, now, reason=reason.strip(), expires=_iso(expires),
                            by=by or None, name=name or None)

    def accepted_for(self, identity_id: str, now: datetime) -> list[dict[str, Any]]:
        """The acceptances of one identity's findings still in force, earliest expiry first."""
        found = [{"findingId": k, **r} for k, r in self.doc["items"].items()
                 if r.get("identityId") == identity_id and r.get("state") == ACCEPTED
                 and self.effective_state(r, now) == ACCEPTED]
        return sorted(found, key=lambda r: r.get("expires") or "")

    def undo(self, finding_id: str) -> bool:
        """Forget the decision on one item (it is pending again)."""
        return self.doc["items"].pop(finding_id, None) is not None

    # -- refresh --------------------------------------------------------------------------
    def refresh(self, findings: Iterable[Finding], as_of: datetime,
                rules_not_run: Iterable[str] = ()) -> dict[str, list[str]]:
        """After a sync: decisions on findings that are gone move to `resolved` (they drop
        out of the queue); done items the snapshot still shows although it was taken after
        they were done reopen. A rule that did not run (its data was missing) resolves
        nothing. Returns the finding ids resolved and reopened."""
        present = {f.id for f in findings}
        blind = set(rules_not_run)
        resolved, reopened = [], []
        for finding_id, record in list(self.doc["items"].items()):
            if finding_id not in present:
                if record.get("rule") in blind:
                    continue  # no verdict without the data: keep the decision
                record = self.doc["items"].pop(finding_id)
                self.doc["resolved"][finding_id] = {**record, "resolvedAt": _iso(as_of),
                                                    "decision": record.get("state")}
                resolved.append(finding_id)
            elif record.get("state") == DONE and (_time(record.get("at")) or as_of) < as_of:
                record.update(state=PENDING, note=f"still present in the snapshot of "
                              f"{_iso(as_of)}, after it was marked done")
                reopened.append(finding_id)
        extra = len(self.doc["resolved"]) - RESOLVED_KEPT
        if extra > 0:
            oldest = sorted(self.doc["resolved"],
                            key=lambda k: self.doc["resolved"][k].get("resolvedAt") or "")
            for finding_id in oldest[:extra]:
                del self.doc["resolved"][finding_id]
        self.doc["lastSync"] = _iso(as_of)
        return {"resolved": resolved, "reopened": reopened}

    # -- the change record ----------------------------------------------------------------
    def summary(self, session: int | None = None) -> dict[str, Any]:
        """Decisions of one session (all sessions when None); those a later sync confirmed
        (the finding is gone) are marked `confirmed`."""
        groups: dict[str, list[dict[str, Any]]] = {s: [] for s in (DONE, SKIPPED, SNOOZED, ACCEPTED)}
        records = [({"findingId": k, **r}, r.get("state")) for k, r in self.doc["items"].items()]
        records += [({"findingId": k, **r, "confirmed": True}, r.get("decision"))
                    for k, r in self.doc["resolved"].items()]
        for record, state in records:
            if state in groups and (session is None or record.get("session") == session):
                groups[state].append(record)
        for items in groups.values():
            items.sort(key=lambda r: (-severity_rank(r.get("severity")), r.get("rule") or "",
                                      r.get("name") or "", r.get("findingId")))
        info = next((s for s in self.doc["sessions"] if s["id"] == session), None)
        counts = {k: len(v) for k, v in groups.items()}
        counts["confirmed"] = sum(1 for v in groups.values() for r in v if r.get("confirmed"))
        return {"queue": self.doc.get("name"), "filter": self.filter.describe(),
                "session": info, **groups, "counts": counts}


def summary_markdown(summary: Mapping[str, Any], tenant: str = "") -> str:
    """The end-of-session summary for a change record."""
    session = summary.get("session") or {}
    counts = summary.get("counts", {})
    when = ""
    if session:
        when = f"session {session.get('id')}, {str(session.get('started'))[:16].replace('T', ' ')}"
        if session.get("ended"):
            when += f" to {str(session['ended'])[:16].replace('T', ' ')}"
        if session.get("by"):
            when += f", by {md(session['by'], 120)}"
    lines = [f"# Maintenance session summary{': ' + md(tenant, 120) if tenant else ''}", "",
             f"Queue {md(summary.get('queue'))} ({md(summary.get('filter'), 400)})"
             + (f"; {when}" if when else "") + ".", "",
             f"- done: {counts.get(DONE, 0)}", f"- skipped: {counts.get(SKIPPED, 0)}",
             f"- snoozed: {counts.get(SNOOZED, 0)}", f"- accepted: {counts.get(ACCEPTED, 0)}",
             f"- of these, gone in a later snapshot (fixed): {counts.get('confirmed', 0)}"]
    for key, title in ((DONE, "Done"), (ACCEPTED, "Risk accepted"), (SNOOZED, "Snoozed"),
                       (SKIPPED, "Skipped")):
        records = summary.get(key) or []
        if not records:
            continue
        lines += ["", f"## {title} ({len(records)})", ""]
        for r in records:
            who = md(r.get("name") or r.get("identityId") or "?", 80)
            line = f"- {r.get('severity', '?')} {r.get('rule', '?')} on **{who}**: " \
                   f"{md(r.get('summary') or '', 300)}"
            if key == ACCEPTED:
                line += f" — reason: {md(r.get('reason'), 400)}; until {str(r.get('expires'))[:10]}"
                line += f"; by {md(r['by'], 120)}" if r.get("by") else ""
            elif key == SNOOZED:
                line += f" — until {str(r.get('until'))[:16].replace('T', ' ')}"
            elif key == DONE and r.get("action"):
                line += f" — action: {md(_action_text(r['action']), 300)}"
            if r.get("confirmed"):
                line += f" — gone in the snapshot of {str(r.get('resolvedAt'))[:16].replace('T', ' ')}"
            if r.get("note"):
                line += f" ({md(r['note'], 300)})"
            lines.append(line)
    return "\n".join(lines) + "\n"


def _action_text(action: Any) -> str:
    if isinstance(action, dict):
        return " ".join(f"{k}={v}" for k, v in action.items())
    return str(action)


def rules_not_run(warnings: Iterable[str]) -> set[str]:
    """Rule ids an analysis (or a snapshot's `analysisWarnings`) says did not run."""
    found = set()
    for warning in warnings:
        head, _, rest = str(warning).partition(" ")
        if head == "rule" and " did not run" in rest:
            found.add(rest.split(" ", 1)[0])
    return found
