"""Redact a recording for hand-off: names, UPNs, mail, IP addresses and the tenant's own
domains become pseudonyms.

    safe = redact(recording, salt="per-incident secret")

Same input, same pseudonym, everywhere in the recording (an owner's UPN in an owners
list, in an audit event's initiator and inside an audit `newValue` string all become one
`user-…@redacted.invalid`), so joins and patterns survive. Ids, GUIDs, timestamps,
permissions and the structure are kept. A different salt gives different pseudonyms,
and they cannot be reversed without it.

Two passes: the first collects every value to hide, from the fields that hold names and
addresses and, by pattern, every e-mail and IP address in any text; the second replaces
each of them wherever it appears in any string (audit values embed names in JSON text,
so their JSON-escaped spellings are replaced too). Values shorter than four characters
are only replaced as whole words, so that "HR" does not eat "HRESULT".
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Iterator
from typing import Any

from models.recording import Recording, Unavailable

NAME_KEYS = frozenset({
    "displayName", "appDisplayName", "principalDisplayName", "resourceDisplayName",
    "servicePrincipalDisplayName", "servicePrincipalName", "userDisplayName",
    "publisherName", "givenName", "surname",
})
ADDRESS_KEYS = frozenset({"userPrincipalName", "mail", "otherMails", "proxyAddresses",
                          "notificationEmailAddresses", "onPremisesUserPrincipalName"})
IP_KEYS = frozenset({"ipAddress", "ipAddressFromResourceProvider"})
# values that are identifiers, times or Graph's own vocabulary: never rewritten
_STRUCTURAL = frozenset({
    "id", "@odata.type", "@odata.context", "category", "activityDisplayName", "operationType",
    "result", "loggedByService", "servicePrincipalType", "signInAudience", "type", "usage",
    "keyType", "keyUsage", "riskLevel", "riskState", "riskDetail", "riskEventType",
    "signInEventTypes", "consentType", "principalType", "credentialOrigin", "scope",
    "allowedMemberTypes", "clientCredentialType", "detectionTimingType", "source",
    "tokenIssuerType", "conditionalAccessStatus", "preferredSingleSignOnMode",
    "disabledByMicrosoftStatus", "memberType", "status", "createdUsing", "msiType",
})
_ROLE_LISTS = frozenset({"appRoles", "oauth2PermissionScopes", "publishedPermissionScopes",
                         "resourceAccess"})  # their `value`s are permission names
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_WORD = re.compile(r"\w")
# what this module writes: redacting a redacted recording leaves it as it is
_PSEUDONYM = re.compile(r"Name-[0-9a-f]{8}|user-[0-9a-f]{10}@redacted\.invalid|"
                        r"domain-[0-9a-f]{8}\.invalid")
_IPV4_NET = ipaddress.ip_network("198.18.0.0/15")  # benchmarking range: never real
_IPV6_NET = ipaddress.ip_network("2001:db8::/32")  # documentation range


_ROLE_TEXT = frozenset({"value", "displayName", "description", "adminConsentDisplayName",
                        "adminConsentDescription", "userConsentDisplayName",
                        "userConsentDescription"})
# the tenant's own domains: they name the organisation as much as its display name does
DOMAIN_KEYS = {("verifiedDomains", "name"), ("", "publisherDomain")}


def _structural(key: str, parent: str) -> bool:
    if key in _STRUCTURAL or key.endswith(("Id", "Ids", "DateTime")) or key.startswith("@"):
        return True
    if parent in _ROLE_LISTS:
        return key in _ROLE_TEXT  # permission names and their descriptions, not people
    return parent == "modifiedProperties" and key == "displayName"  # a property name


class Pseudonyms:
    """Original value -> pseudonym, keyed by the salt; unique within one recording."""

    def __init__(self, salt: str) -> None:
        self.key = salt.encode()
        self.by_value: dict[str, str] = {}
        self.used: set[str] = set()

    def _digest(self, kind: str, value: str, attempt: int) -> str:
        message = f"{kind}\x00{attempt}\x00{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def _make(self, kind: str, value: str) -> str:
        for attempt in range(1000):
            h = self._digest(kind, value, attempt)
            if kind == "name":
                candidate = f"Name-{h[:8]}"
            elif kind == "address":
                candidate = f"user-{h[:10]}@redacted.invalid"
            elif kind == "domain":
                candidate = f"domain-{h[:8]}.invalid"
            elif kind == "ip4":
                offset = int(h, 16) % _IPV4_NET.num_addresses
                candidate = str(_IPV4_NET.network_address + offset)
            else:
                offset = int(h, 16) % (2 ** 64)
                candidate = str(_IPV6_NET.network_address + offset)
            if candidate not in self.used:
                return candidate
        raise RuntimeError("no free pseudonym")  # pragma: no cover - 1000 collisions

    def add(self, kind: str, value: str) -> None:
        value = value.strip() if kind != "name" else value
        if not value or value in self.by_value or value in self.used or \
                _PSEUDONYM.fullmatch(value):
            return
        key = value.lower() if kind in ("address", "domain") else value
        existing = self.by_value.get(key)
        pseudonym = existing or self._make(kind, key)
        self.used.add(pseudonym)
        for variant in {value, key}:
            self.by_value[variant] = pseudonym

    def add_ip(self, text: str) -> None:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return
        if address in _IPV4_NET or address in _IPV6_NET:
            return
        self.add("ip4" if address.version == 4 else "ip6", text)


def _strings(value: Any, key: str = "", parent: str = "") -> Iterator[tuple[str, str, str]]:
    """(key, parent key, text) of every string in a body."""
    if isinstance(value, str):
        yield key, parent, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k, key)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key, parent)


def _collect(pseudonyms: Pseudonyms, key: str, parent: str, text: str) -> None:
    if _structural(key, parent):
        return
    if key in NAME_KEYS:
        pseudonyms.add("name", text)
    elif (parent, key) in DOMAIN_KEYS or ("", key) in DOMAIN_KEYS:
        pseudonyms.add("domain", text.strip())
    elif key in ADDRESS_KEYS:
        for email in _EMAIL.findall(text) or [text]:
            pseudonyms.add("address", email)
    elif key in IP_KEYS:
        pseudonyms.add_ip(text.strip())
    for email in _EMAIL.findall(text):
        pseudonyms.add("address", email)
    for candidate in _IPV4.findall(text) + _IPV6.findall(text):
        pseudonyms.add_ip(candidate)


class _Replacer:
    """Every original (and its JSON-escaped spellings) replaced in one left-to-right scan."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.trie: dict[str, Any] = {}
        for original, pseudonym in mapping.items():
            spellings = {original, json.dumps(original)[1:-1],
                         json.dumps(original, ensure_ascii=False)[1:-1]}
            for spelling in spellings:
                node = self.trie
                for char in spelling:
                    node = node.setdefault(char, {})
                node["\x00"] = (pseudonym if spelling == original
                                else json.dumps(pseudonym)[1:-1], len(original) < 4)

    def __call__(self, text: str) -> str:
        out: list[str] = []
        i, n, last = 0, len(text), 0
        trie = self.trie
        while i < n:
            node = trie.get(text[i])
            if node is None:
                i += 1
                continue
            best = None
            j = i + 1
            while True:
                hit = node.get("\x00")
                if hit is not None:
                    best = (j, hit)
                if j >= n:
                    break
                node = node.get(text[j])
                if node is None:
                    break
                j += 1
            if best is not None:
                end, (pseudonym, whole_word) = best
                bounded = (i == 0 or not _WORD.match(text[i - 1])) and \
                    (end == n or not _WORD.match(text[end]))
                if not whole_word or bounded:
                    out.append(text[last:i])
                    out.append(pseudonym)
                    i = last = end
                    continue
            i += 1
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)


def _rewrite(value: Any, replace: _Replacer, pseudonyms: Pseudonyms, key: str = "",
             parent: str = "") -> Any:
    if isinstance(value, str):
        if _structural(key, parent):
            return value
        if key in NAME_KEYS or key in ADDRESS_KEYS or key in IP_KEYS:
            exact = pseudonyms.by_value.get(value) or pseudonyms.by_value.get(value.strip())
            if exact is not None:
                return exact
        return replace(value)
    if isinstance(value, dict):
        return {k: _rewrite(v, replace, pseudonyms, k, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, replace, pseudonyms, key, parent) for v in value]
    return value


def redact(recording: Recording, salt: str) -> Recording:
    """A copy of the recording with names, UPNs, mail and IP addresses pseudonymised."""
    if not salt:
        raise ValueError("redact needs a salt: without one, pseudonyms of common names "
                         "could be guessed by hashing candidates")
    pseudonyms = Pseudonyms(salt)
    for body in recording.bodies.values():
        for key, parent, text in _strings(body):
            _collect(pseudonyms, key, parent, text)
    for why in recording.unavailable.values():
        _collect(pseudonyms, "reason", "", why.reason)
    replace = _Replacer(pseudonyms.by_value)
    out = Recording(recording.tenant_id, recording.recorded_at, recording.cloud)
    # _rewrite builds new containers: the input recording is left as it was
    out.bodies = {path: _rewrite(body, replace, pseudonyms)
                  for path, body in recording.bodies.items()}
    out.unavailable = {name: Unavailable(why.status, replace(why.reason), why.permission)
                       for name, why in recording.unavailable.items()}
    return out
