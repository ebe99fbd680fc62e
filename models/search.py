"""Global search for triage: from a name, object id, appId, credential keyId, federated
subject, IP address or actor UPN to the identities and events behind it.

    doc = build_search_index(analysis, data)          # at sync time; JSON-able, stored
    index = SearchIndex(doc)                           # once, when search is first opened
    hits = index.search("203.0.113.77")                # per keystroke
    hits = index.search("ip:203.0.113")                # one field only (FIELDS, PREFIXES)

The index is a list of terms (field, text) each pointing at identities (by position in
`identities`) and events (by position in `events`). Whole values are found through a dict,
prefixes through a sorted list and bisect, substrings with `str.find` over one joined
lowercase text, so a keystroke costs milliseconds at 50,000 identities.

Sign-ins are grouped per identity, IP address and credential (count, first and last time),
so a busy identity adds a handful of events, not thousands. With the tenant's data
(`data`), every sign-in in the logs counts and audit events are found by the actor's IP;
from an Analysis alone, only each identity's recent sign-ins (its detail's list) do.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.analysis import Analysis
from models.nogc import paused_gc
from models.pivots import actor_key
from models.tenant import TenantData
from models.timeline import audit_changes

FORMAT = "wlx-search/1"
NAME, OBJECT_ID, APP_ID, KEY_ID, SUBJECT, IP, ACTOR, OWNER = (
    "name", "objectId", "appId", "keyId", "subject", "ip", "actor", "owner")
FIELDS = (NAME, OBJECT_ID, APP_ID, KEY_ID, SUBJECT, IP, ACTOR, OWNER)  # rank order
# what a user may type before a colon to search one field
PREFIXES = {"name": NAME, "id": OBJECT_ID, "objectid": OBJECT_ID, "appid": APP_ID,
            "app": APP_ID, "key": KEY_ID, "keyid": KEY_ID, "subject": SUBJECT, "sub": SUBJECT,
            "fic": SUBJECT, "ip": IP, "actor": ACTOR, "upn": ACTOR, "by": ACTOR, "owner": OWNER}
SIGN_INS, AUDIT, RISK = "signIns", "audit", "risk"
MAX_SCAN = 3000  # substring matches looked at per keystroke; beyond it the user refines


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _when(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")


@dataclass
class _SignInGroup:
    identity: int
    ip: str
    key: str
    count: int = 0
    failed: int = 0
    first: datetime | None = None
    last: datetime | None = None
    last_id: str = ""
    resources: set[str] = field(default_factory=set)


class _Builder:
    def __init__(self, analysis: Analysis) -> None:
        self.identities = [identity.id for identity in analysis.identities]
        self.position = {identity_id: n for n, identity_id in enumerate(self.identities)}
        self.events: list[list[Any]] = []
        # (field, lowercase text) -> (text as first seen, identities, events)
        self.terms: dict[tuple[str, str], tuple[str, set[int], list[int]]] = {}

    def term(self, field_name: str, text: str | None, identity: int | None = None,
             event: int | None = None) -> None:
        value = (text or "").strip()
        if not value:
            return
        key = (field_name, value.lower())
        found = self.terms.get(key)
        if found is None:
            found = self.terms[key] = (value, set(), [])
        _, identities, events = found
        if identity is not None:
            identities.add(identity)
        if event is not None and (not events or events[-1] != event):
            events.append(event)

    def event(self, kind: str, ref_id: str, identities: list[int], time: datetime | None,
              text: str) -> int:
        self.events.append([kind, ref_id, identities, _iso(time), text])
        return len(self.events) - 1

    def to_json(self) -> dict[str, Any]:
        # sorted by lowercase text: the loader bisects prefixes without sorting again
        terms = [[f, text, sorted(ids), events] for (f, _), (text, ids, events)
                 in sorted(self.terms.items(), key=lambda item: (item[0][1], item[0][0]))]
        return {"format": FORMAT, "identities": self.identities, "events": self.events,
                "terms": terms}


def _sign_in_rows(analysis: Analysis, data: TenantData | None
                  ) -> Iterator[tuple[str, datetime | None, str, str, str, bool, str]]:
    """(identity id, time, ip, key or federated credential id, resource, ok, sign-in id)."""
    if data is None:
        for identity in analysis.identities:
            for s in identity.sign_ins:
                yield (identity.id, s.time, s.ip or "", s.key_id or "", s.resource or "",
                       s.succeeded, s.id)
        return
    by_object: dict[str, str] = {}
    by_app_id: dict[str, str] = {}
    for identity in analysis.identities:
        for object_id in (identity.service_principal_id, identity.application_id, identity.id):
            if object_id:
                by_object.setdefault(object_id, identity.id)
        if identity.app_id:
            by_app_id.setdefault(identity.app_id.lower(), identity.id)
    for s in data.sign_ins:
        identity_id = by_object.get(s.service_principal_id or "") or by_app_id.get(
            (s.app_id or "").lower())
        if identity_id is not None:
            key = s.service_principal_credential_key_id or s.federated_credential_id or ""
            yield (identity_id, s.created_date_time, s.ip_address or "", key,
                   s.resource_display_name or s.resource_id or "", s.succeeded, s.id)


def _add_sign_ins(b: _Builder, analysis: Analysis, data: TenantData | None) -> None:
    groups: dict[tuple[int, str, str], _SignInGroup] = {}
    for identity_id, time, ip, key, resource, ok, sign_in_id in _sign_in_rows(analysis, data):
        n = b.position[identity_id]
        group = groups.get((n, ip, key.lower()))
        if group is None:
            group = groups[(n, ip, key.lower())] = _SignInGroup(n, ip, key)
        group.count += 1
        group.failed += not ok
        if resource:
            group.resources.add(resource)
        if time is not None:
            if group.first is None or time < group.first:
                group.first = time
            if group.last is None or time > group.last:
                group.last, group.last_id = time, sign_in_id
        if not group.last_id:
            group.last_id = sign_in_id
    for group in groups.values():
        text = (f"{group.count} sign-in(s)" + (f" from {group.ip}" if group.ip else "")
                + (f" with key {group.key}" if group.key else "")
                + (f", {group.failed} failed" if group.failed else "")
                + (f", {_when(_iso(group.first))} to {_when(_iso(group.last))}"
                   if group.first else "")
                + (" to " + ", ".join(sorted(group.resources)[:3]) if group.resources else ""))
        event = b.event(SIGN_INS, group.last_id, [group.identity], group.last, text)
        b.term(IP, group.ip, group.identity, event)
        b.term(KEY_ID, group.key, group.identity, event)


def _actor_ips(data: TenantData | None) -> dict[str, str]:
    if data is None:
        return {}
    ips = {}
    for audit in data.directory_audits:
        user = audit.initiated_by.user if audit.initiated_by else None
        if user is not None and user.ip_address:
            ips[audit.id] = user.ip_address
    return ips


def _add_audits(b: _Builder, analysis: Analysis, data: TenantData | None) -> None:
    actor_ips = _actor_ips(data)
    seen: dict[str, int] = {}
    for identity in analysis.identities:
        n = b.position[identity.id]
        for entry in identity.audit_events:
            event = seen.get(entry.id)
            if event is not None:
                if n not in b.events[event][2]:
                    b.events[event][2].append(n)
                continue
            actor = entry.actor_name or entry.actor_id or "an unknown actor"
            ip = actor_ips.get(entry.id)
            targets = ", ".join(t.name or t.id or "?" for t in entry.targets[:3])
            changes = audit_changes(entry)
            text = (f"{entry.activity.strip()} by {actor}" + (f" from {ip}" if ip else "")
                    + (f" on {targets}" if targets else "") + (f": {changes}" if changes else ""))
            event = seen[entry.id] = b.event(AUDIT, entry.id, [n], entry.time, text)
            actor_n = b.position.get(entry.actor_id or "") \
                if entry.actor_kind == "servicePrincipal" else None
            for value in {actor_key(entry), entry.actor_name, entry.actor_id} - {None}:
                b.term(ACTOR, value, actor_n, event)
            b.term(IP, ip, None, event)
            for key in (*entry.keys_added, *entry.keys_removed):
                b.term(KEY_ID, key, None, event)
            for subject in (*entry.federated_added, *entry.federated_removed):
                b.term(SUBJECT, subject, None, event)


def _add_identities(b: _Builder, analysis: Analysis) -> None:
    for identity in analysis.identities:
        n = b.position[identity.id]
        b.term(NAME, identity.display_name, n)
        for object_id in {identity.id, identity.application_id, identity.service_principal_id}:
            b.term(OBJECT_ID, object_id, n)
        b.term(APP_ID, identity.app_id, n)
        for credential in identity.credentials:
            b.term(KEY_ID, credential.key_id, n)
        for fic in identity.federated_credentials:
            b.term(KEY_ID, fic.id, n)
            b.term(SUBJECT, fic.subject, n)
            b.term(SUBJECT, fic.expression, n)
        for owner in identity.owners:
            for value in (owner.upn, owner.name, owner.id):
                b.term(OWNER, value, n)
        if identity.risk is not None:
            for d in identity.risk.detections:
                text = (f"risk detection {d.type or '?'} ({d.level or '?'}, {d.state or '?'})"
                        + (f" from {d.ip}" if d.ip else ""))
                event = b.event(RISK, d.id, [n], d.time, text)
                b.term(IP, d.ip, n, event)
                for key in d.key_ids:
                    b.term(KEY_ID, key, n, event)


def build_search_index(analysis: Analysis, data: TenantData | None = None) -> dict[str, Any]:
    """The search index of one analysis, as a JSON-able document (store it per snapshot)."""
    with paused_gc():  # ~a million small containers: the cyclic GC would only slow it
        b = _Builder(analysis)
        _add_identities(b, analysis)
        _add_sign_ins(b, analysis, data)
        _add_audits(b, analysis, data)
        return b.to_json()


# -- the query side ------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchEvent:
    """A sign-in group, an audit event or a risk detection a term leads to."""

    kind: str  # signIns (ref_id: the newest sign-in of the group), audit, risk
    ref_id: str
    identity_ids: tuple[str, ...]
    time: str | None
    text: str


@dataclass(frozen=True)
class SearchHit:
    field: str  # FIELDS
    text: str  # the value found, as the directory spells it
    match: str  # exact, prefix or substring
    identity_ids: tuple[str, ...]
    events: tuple[SearchEvent, ...]
    more_events: int = 0  # events left out (the newest are kept)


@dataclass(frozen=True)
class SearchResult:
    query: str
    field: str | None  # the one field asked for with a prefix, or None
    hits: tuple[SearchHit, ...] = ()
    truncated: bool = False  # more terms matched than were looked at or returned

    @property
    def identity_ids(self) -> list[str]:
        """Every identity the hits lead to (directly or through their events), in hit order."""
        seen: dict[str, None] = {}
        for hit in self.hits:
            seen.update(dict.fromkeys(hit.identity_ids))
            for event in hit.events:
                seen.update(dict.fromkeys(event.identity_ids))
        return list(seen)


def split_query(text: str) -> tuple[str | None, str]:
    """("ip", "203.0.113.7") from "ip:203.0.113.7"; (None, text) without a known prefix."""
    head, colon, rest = text.strip().partition(":")
    if colon and head.lower() in PREFIXES:
        return PREFIXES[head.lower()], rest.strip()
    return None, text.strip()


class SearchIndex:
    """The loaded index: built once from the stored document, then queried per keystroke."""

    def __init__(self, doc: dict[str, Any]) -> None:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"not a wlx search index ({FORMAT})")
        # few container objects (arrays, tuples, strings): a big index adds little to what
        # the cyclic garbage collector walks
        with paused_gc():
            self.identities: list[str] = list(doc.get("identities") or [])
            self.events = [tuple(e) for e in doc.get("events") or []]
            terms = doc.get("terms") or []
            self.fields = [t[0] for t in terms]
            self.texts = [t[1] for t in terms]
            self._identities, self._identity_at = _flatten(t[2] for t in terms)
            self._events, self._event_at = _flatten(t[3] for t in terms)
            lowers = [text.lower() for text in self.texts]
            if any(lowers[n] > lowers[n + 1] for n in range(len(lowers) - 1)):
                order = sorted(range(len(lowers)), key=lowers.__getitem__)
            else:
                order = range(len(lowers))  # stored sorted (see _Builder.to_json)
            self._sorted = [lowers[n] for n in order]
            self._order = array("l", order)
            self.exact: dict[str, int | tuple[int, ...]] = {}
            for n, lower in enumerate(lowers):
                known = self.exact.get(lower)
                self.exact[lower] = n if known is None else (
                    (*known, n) if isinstance(known, tuple) else (known, n))
            # one text for substring scans; \x00 cannot be typed, so no match spans two terms
            self._haystack = "\x00".join(lowers)
            self._starts = array("l", [0]) * len(lowers)
            offset = 0
            for n, lower in enumerate(lowers):
                self._starts[n] = offset
                offset += len(lower) + 1
        self._rank = {name: n for n, name in enumerate(FIELDS)}

    @classmethod
    def build(cls, analysis: Analysis, data: TenantData | None = None) -> SearchIndex:
        return cls(build_search_index(analysis, data))

    def __len__(self) -> int:
        return len(self.texts)

    def search(self, query: str, limit: int = 50, events_per_hit: int = 20) -> SearchResult:
        """Terms matching the query: whole values first, then prefixes, then substrings."""
        only, text = split_query(query)
        needle = text.lower()
        if not needle:
            return SearchResult(query, only)
        found: dict[int, str] = {}
        truncated = False
        exact = self.exact.get(needle, ())
        for n in (exact,) if isinstance(exact, int) else exact:
            found[n] = "exact"
        i = bisect.bisect_left(self._sorted, needle)
        while i < len(self._sorted) and self._sorted[i].startswith(needle):
            found.setdefault(self._order[i], "prefix")
            i += 1
            if len(found) >= MAX_SCAN:
                truncated = True
                break
        substring = self._scan(needle, found)
        truncated |= substring
        rank = self._rank
        order = {"exact": 0, "prefix": 1, "substring": 2}
        chosen = [n for n in found if only is None or self.fields[n] == only]
        chosen.sort(key=lambda n: (order[found[n]], rank.get(self.fields[n], 99),
                                   len(self.texts[n]), self.texts[n]))
        if len(chosen) > limit:
            truncated, chosen = True, chosen[:limit]
        hits = tuple(self._hit(n, found[n], events_per_hit) for n in chosen)
        return SearchResult(query, only, hits, truncated)

    def _scan(self, needle: str, found: dict[int, str]) -> bool:
        """Add substring matches to `found`; True when the scan stopped at MAX_SCAN."""
        hay, starts = self._haystack, self._starts
        position = hay.find(needle)
        while position != -1:
            n = bisect.bisect_right(starts, position) - 1
            found.setdefault(n, "substring")
            if len(found) >= MAX_SCAN:
                return True
            following = starts[n + 1] if n + 1 < len(starts) else len(hay)
            position = hay.find(needle, following)
        return False

    def _hit(self, n: int, match: str, events_per_hit: int) -> SearchHit:
        events = [self.events[e] for e in self._events[self._event_at[n]:self._event_at[n + 1]]]
        events.sort(key=lambda e: e[3] or "", reverse=True)
        kept = tuple(SearchEvent(e[0], e[1], tuple(self.identities[i] for i in e[2]), e[3], e[4])
                     for e in events[:events_per_hit])
        identities = self._identities[self._identity_at[n]:self._identity_at[n + 1]]
        return SearchHit(self.fields[n], self.texts[n], match,
                         tuple(self.identities[i] for i in identities), kept,
                         max(0, len(events) - events_per_hit))


def _flatten(lists: Iterable[list[int]]) -> tuple[array[int], array[int]]:
    """Lists of ints as one flat array and the offset where each starts (plus the end)."""
    flat, starts = array("l"), array("l", [0])
    for items in lists:
        flat.extend(items)
        starts.append(len(flat))
    return flat, starts


def search_terms(doc: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(field, text) of every term of a stored index (for tests and diagnostics)."""
    return ((t[0], t[1]) for t in doc.get("terms") or [])
