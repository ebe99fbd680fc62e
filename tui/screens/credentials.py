"""`:credentials`: one row per client secret, certificate and federated credential across
all identities, soonest expiry first (expired ones on top). Azure-managed certificates of
managed identities are left out (Azure rotates them; the subtitle counts them).

Filter: plain words (names, keyIds, identity, status, subject), `kind:` (secret,
certificate, federated, or the identity's kind), `tier:` (the identity's), `rule:` and
`severity:` (findings that name the credential), `owner:`. Enter opens the identity on
its Credentials (or Federated) tab with the cursor on that credential.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.query import search_text
from tui.dialogs.copy_menu import CopyChoice
from tui.rows import CredentialPart, CredentialRow, credential_rows
from tui.screens.detail import as_identity
from tui.screens.formatting import day, day_and_age, relative
from tui.screens.links import Link, Location, Target
from tui.screens.row_list import TABLE_CSS, RowListScreen
from tui.widgets.badges import kind_label, severity_rank_key, tier_label, tier_rank_key, tier_tone
from tui.widgets.table_model import Column, RowSet
from tui.widgets.virtual_table import VirtualTable

STATUS_TONE = {"expired": "error", "expiring": "warning", "valid": "success"}

CREDENTIAL_FIELDS: Mapping[str, Callable[[Any], Any]] = {
    "kind": lambda r: (r.type, r.identity_kind, kind_label(r.identity_kind)),
    "tier": lambda r: r.identity_tier,
    "rule": lambda r: r.rules,
    "severity": lambda r: r.severities,
    "owner": lambda r: r.owners,
    "label": lambda r: (),
}


def rows_from_details(source: Any, index: RowSet) -> list[CredentialRow]:
    """For a source without credentials(): read each identity that has credentials."""
    rows: list[CredentialRow] = []
    for identity in index.rows:
        if not getattr(identity, "credential_count", 0):
            continue
        detail = as_identity(source.detail(identity.id))
        if detail is not None:
            rows.extend(credential_rows(identity, CredentialPart(
                credentials=detail.credentials,
                federated_credentials=detail.federated_credentials,
                findings=detail.findings)))
    return rows


def _worst(row: CredentialRow) -> int | None:
    ranks = [r for r in (severity_rank_key(s) for s in row.severities) if r is not None]
    return min(ranks) if ranks else None


class CredentialListScreen(RowListScreen):
    """Every credential of the tenant."""

    DEFAULT_CSS = TABLE_CSS.format(name="CredentialListScreen")
    view_title = "Credentials"
    default_sort = ("expiry", False)

    def columns(self) -> list[Column]:
        now = self.wlx.now()
        return [
            Column("identity", "IDENTITY", lambda r: r.identity_name, min_width=16, flex=2),
            Column("type", "TYPE", lambda r: r.type, width=11),
            Column("name", "NAME", lambda r: r.name or "(no name)", min_width=8, max_width=24,
                   priority=3),
            Column("key_id", "KEY ID", lambda r: r.key_id, width=36, priority=6),
            Column("expiry", "EXPIRY", lambda r: day_and_age(r.expiry, now) if r.expiry
                   else ("no expiry" if r.type == "federated" else ""), width=22,
                   tone=lambda r: STATUS_TONE.get(r.status), sort_key=lambda r: r.expiry),
            Column("status", "STATUS", lambda r: r.status, width=9,
                   tone=lambda r: STATUS_TONE.get(r.status)),
            Column("last_used", "LAST USED", lambda r: relative(r.last_used, now) or
                   ("never seen" if r.type != "federated" else ""), width=11,
                   sort_key=lambda r: r.last_used, priority=2),
            Column("on", "ON", lambda r: "SP" if r.on == "servicePrincipal" else "app", width=4,
                   tone=lambda r: "warning" if r.on == "servicePrincipal" else None, priority=4),
            Column("tier", "TIER", lambda r: tier_label(r.identity_tier, short=True), width=13,
                   tone=lambda r: tier_tone(r.identity_tier),
                   sort_key=lambda r: tier_rank_key(r.identity_tier), priority=5),
            Column("findings", "FINDINGS", lambda r: " ".join(r.rules), min_width=10, flex=2,
                   tone=lambda r: "warning" if r.rules else None, sort_key=_worst, priority=1),
            Column("created", "CREATED", lambda r: day(r.created), width=10, priority=7,
                   sort_key=lambda r: r.created),
        ]

    def row_id(self, row: Any) -> str:
        return row.row_id

    def search(self, row: Any) -> str:
        return search_text(row.identity_name, row.identity_id, row.name, row.key_id, row.type,
                           row.status, row.subject, row.issuer)

    def build_rows(self, index: RowSet) -> list[CredentialRow]:
        source = self.wlx.source
        if hasattr(source, "credentials"):
            return list(source.credentials())
        return rows_from_details(source, index)

    def prepare(self, rows: list[Any]) -> list[Any]:
        return [row for row in rows if not row.azure_managed]

    def subtitle(self, table: VirtualTable) -> str:
        managed = sum(1 for row in self.rows if row.azure_managed)
        return f"{managed} Azure-managed certificates not shown" if managed else ""

    def empty_text(self) -> str:
        return ("no credential matches the filter" if self.rows
                else "no secrets, certificates or federated credentials")

    def fields(self) -> Mapping[str, Callable[[Any], Any]]:
        return CREDENTIAL_FIELDS

    def links_for(self, row: Any) -> list[Link]:
        tab = "federated" if row.type == "federated" else "credentials"
        return [Link(f"{row.identity_name}: the credential",
                     Location("detail", row.identity_id, tab=tab, focus=row.key_id))]

    def target_of(self, row: Any) -> Target | None:
        kind = "federated-credential" if row.type == "federated" else "credential"
        return Target(kind, row.identity_id, row.key_id, row)

    def selected_id(self) -> str | None:
        row = self.selected()
        return row.identity_id if row is not None else None

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(row.identity_id)

    def copy_extra(self, row: Any) -> list[Any]:
        label = "Credential ID" if row.type == "federated" else "Key ID"
        extra = [CopyChoice("", label, row.key_id)]
        if row.subject:
            extra.append(CopyChoice("", "Subject", row.subject))
        return extra
