"""What the admin sees before confirming: the targets, the exact Graph requests, the same
change in Microsoft Graph PowerShell, how to undo it, what cannot be undone, and what must
be typed to confirm.

    preview = build_preview(ops, Context.from_identities(identities), mode)
    preview.lines()                 # plain text, untrusted names neutralised
    preview.confirmation            # None, or Confirmation(text="3", prompt="Type 3 ...")

Typed confirmation (issue 6): more than one change to the tenant needs their count typed;
deleting needs the object's name typed (its id when the name cannot be typed). One
reversible change needs a plain confirmation (Cancel focused), labels none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.writes.base import GraphRequest, Operation
from graph.writes.mode import WriteMode
from models.kinds import MANAGED_IDENTITY_KINDS
from models.remedies import MANAGED_IDENTITY_ALLOWED
from models.text import clean

MAX_TYPED_NAME = 80


@dataclass
class Context:
    """What the caller knows from the snapshot, to name targets and pick requests."""

    names: Mapping[str, str] = field(default_factory=dict)  # object id -> display name
    credential_types: Mapping[str, str] = field(default_factory=dict)  # keyId -> secret|certificate
    kinds: Mapping[str, str] = field(default_factory=dict)  # object id -> identity kind

    @classmethod
    def from_identities(cls, identities: Iterable[Any]) -> Context:
        """From models.identity.WorkloadIdentity objects (or anything shaped like them)."""
        names: dict[str, str] = {}
        types: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for identity in identities:
            for object_id in (identity.id, identity.application_id,
                              identity.service_principal_id):
                if object_id:
                    names[object_id] = identity.display_name
                    kinds[object_id] = identity.kind
            for credential in identity.credentials:
                types[credential.key_id] = "secret" if credential.type == "secret" \
                    else "certificate"
        return cls(names, types, kinds)

    @classmethod
    def from_recording(cls, recording: Any) -> Context:
        """From a models.recording.Recording (e.g. the cached snapshot's): names of every
        application and service principal, credential types, managed identities."""
        names: dict[str, str] = {}
        types: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for path in ("v1.0/applications", "v1.0/servicePrincipals"):
            for obj in recording.items(path):
                if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
                    continue
                names[obj["id"]] = str(obj.get("displayName") or "")
                if str(obj.get("servicePrincipalType") or "").lower() == "managedidentity":
                    kinds[obj["id"]] = "managed-identity"
                for key, kind in (("passwordCredentials", "secret"),
                                  ("keyCredentials", "certificate")):
                    for cred in obj.get(key) or []:
                        if isinstance(cred, dict) and isinstance(cred.get("keyId"), str):
                            types[cred["keyId"]] = kind
        return cls(names, types, kinds)

    def hint(self, op: Operation) -> str:
        key = op.action.get("keyId")
        return self.credential_types.get(key, "") if isinstance(key, str) else ""


@dataclass(frozen=True)
class Confirmation:
    text: str  # what must be typed
    prompt: str

    def matches(self, typed: str | None) -> bool:
        return (typed or "").strip().casefold() == self.text.strip().casefold()


@dataclass
class PreviewItem:
    number: int
    op: Operation
    title: str
    reads: list[GraphRequest]
    writes: list[GraphRequest]
    powershell: list[str]
    undo: str
    irreversible: str | None
    blocked: str | None = None


@dataclass
class Preview:
    items: list[PreviewItem]
    confirmation: Confirmation | None
    refused: str | None  # read-only: why nothing will be sent

    @property
    def tenant_changes(self) -> int:
        return sum(1 for item in self.items if not item.op.local)

    def lines(self, powershell: bool = True) -> list[str]:
        out = []
        lost = [i for i in self.items if i.irreversible]
        if self.refused and self.tenant_changes:
            out += [f"REFUSED: {self.refused}", ""]
        if lost:
            out += [f"{len(lost)} of these cannot be fully undone (see CANNOT BE UNDONE).", ""]
        for item in self.items:
            out.append(f"{item.number}. {clean(item.title)}")
            if item.blocked:
                out.append(f"   NOT POSSIBLE: {clean(item.blocked)}")
            for request in item.reads:
                out.append(f"   read first: {clean(request.text())}")
            for request in item.writes:
                note = f"   ({request.note})" if request.note else ""
                out.append(f"   {clean(request.text())}{note}")
            if not item.writes:
                out.append("   no Graph request (kept in wlx's local cache)")
            if powershell:
                out += [f"   PowerShell: {clean(line)}" for line in item.powershell]
            if item.irreversible:
                out.append(f"   CANNOT BE UNDONE: {item.irreversible}")
            else:
                out.append(f"   undo: {item.undo}")
        if self.confirmation:
            out += ["", self.confirmation.prompt]
        return out


def _typable(name: str) -> bool:
    return bool(name.strip()) and name.isprintable() and len(name) <= MAX_TYPED_NAME


def confirmation_for(ops: list[Operation], names: Mapping[str, str] | None = None
                     ) -> Confirmation | None:
    """What the admin must type to confirm these changes, or None for a plain confirm."""
    changes = [op for op in ops if not op.local]
    if len(changes) > 1:
        count = str(len(changes))
        return Confirmation(count, f"This makes {count} changes to the tenant. Type {count} "
                            "to confirm.")
    if changes and changes[0].destructive:
        op = changes[0]
        name = (names or {}).get(op.target, "")
        if _typable(name):
            return Confirmation(name, f"This deletes '{clean(name)}'. Type its name to "
                                "confirm.")
        return Confirmation(op.target, f"This deletes {op.target}. Type its id to confirm.")
    return None


def _blocked(op: Operation, context: Context) -> str | None:
    kind = context.kinds.get(op.target, "")
    managed = kind in MANAGED_IDENTITY_KINDS or kind == "managed-identity"
    if managed and op.action.get("action") not in \
            MANAGED_IDENTITY_ALLOWED and not op.local:
        return "managed identities are managed by Azure: this cannot be changed from Entra"
    return None


def build_preview(ops: list[Operation], context: Context | None = None,
                  mode: WriteMode | None = None) -> Preview:
    context = context or Context()
    items = []
    for number, op in enumerate(ops, start=1):
        hint = context.hint(op)
        name = context.names.get(op.target, "")
        title = op.describe(f"'{name}' ({op.target})" if name else "")
        prior = {"type": hint} if hint else None
        items.append(PreviewItem(number, op, title[:1].upper() + title[1:], op.reads(),
                                 op.planned(hint), op.powershell(prior), op.undo_text(prior),
                                 op.irreversible_note(hint), _blocked(op, context)))
    refused = None if mode is None or mode.enabled else mode.reason
    return Preview(items, confirmation_for(ops, context.names), refused)
