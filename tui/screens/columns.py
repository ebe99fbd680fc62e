"""The columns of each list, declared as data in one place (like k9s internal/render).

Identity rows are models.index.IndexRow (or anything with the same attributes). Times
arrive as ISO strings and sort as text; `now` is given, never read from the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from models.query import search_text
from tui.widgets.badges import (kind_label, severity_label, severity_rank_key, severity_tone,
                                tier_label, tier_rank_key, tier_tone)
from tui.widgets.table_model import Column

EXPIRING_DAYS = 30


def _get(row: Any, name: str, default: Any = None) -> Any:
    return getattr(row, name, default)


def day(iso: str | None) -> str:
    """2026-03-01T10:00:00Z -> 2026-03-01."""
    return iso[:10] if iso else ""


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def identity_columns(now: datetime) -> list[Column]:
    """Name, kind, tier, credentials, last sign-in, owners, findings, appId, object id."""
    soon = now + timedelta(days=EXPIRING_DAYS)

    def expiry_tone(row: Any) -> str | None:
        end = _parse(_get(row, "soonest_expiry"))
        if end is None:
            return None
        return "error" if end <= now else "warning" if end <= soon else None

    def credentials(row: Any) -> str:
        count = _get(row, "credential_count", 0) or 0
        expiry = day(_get(row, "soonest_expiry"))
        return f"{count} · {expiry}" if count and expiry else str(count or "")

    def findings(row: Any) -> str:
        count = _get(row, "findings_count", 0) or 0
        return f"{severity_label(_get(row, 'worst_severity'))} {count}" if count else ""

    return [
        # the admin's labels (tui.cache_source): "⚑ name · to-decommission"
        Column("name", "NAME", _name_and_labels, min_width=24, flex=3,
               value=lambda r: _get(r, "display_name", "")),
        Column("kind", "KIND", lambda r: kind_label(_get(r, "kind")), width=12, priority=2,
               value=lambda r: _get(r, "kind")),
        Column("tier", "TIER", _tier_cell, width=14,
               tone=lambda r: tier_tone(_get(r, "tier")),
               sort_key=lambda r: tier_rank_key(_get(r, "tier")), value=lambda r: _get(r, "tier")),
        Column("credentials", "CREDS · EXPIRY", credentials, width=14, tone=expiry_tone,
               sort_key=lambda r: _get(r, "soonest_expiry") or None,
               value=lambda r: _get(r, "credential_count"), priority=3),
        Column("last_sign_in", "SIGN-IN", lambda r: day(_get(r, "last_sign_in")), width=10,
               sort_key=lambda r: _get(r, "last_sign_in") or None,
               value=lambda r: _get(r, "last_sign_in"), priority=4),
        Column("owners", "OWNERS", lambda r: _get(r, "owners_count", 0), width=6, align="right",
               sort_key=lambda r: _get(r, "owners_count", 0), priority=5),
        Column("findings", "FINDINGS", findings, width=11,
               tone=lambda r: severity_tone(_get(r, "worst_severity")),
               sort_key=_findings_order,
               value=lambda r: _get(r, "findings_count")),
        Column("app_id", "APP ID", lambda r: _get(r, "app_id", ""), width=36, priority=8),
        Column("id", "OBJECT ID", lambda r: _get(r, "id", ""), width=36, priority=9),
    ]


def _name_and_labels(row: Any) -> str:
    name = _get(row, "display_name", "") or ""
    labels = getattr(row, "labels", ())
    # the flag first: a long name must not hide that the identity is labelled
    return f"⚑ {name} · {' '.join(labels)}" if labels else name


def _tier_cell(row: Any) -> str:
    """The tier; `*` when the admin's override set it (the detail header says why)."""
    label = tier_label(_get(row, "tier"), short=True)
    return f"{label}*" if _get(row, "tier_overridden") else label


def _findings_order(row: Any) -> tuple[int, str]:
    """Problems first: worst severity, then the name; rows without findings after them."""
    # getattr directly, not _get: this runs for every row of a 50,000-row sort
    rank = severity_rank_key(getattr(row, "worst_severity", None)) \
        if getattr(row, "findings_count", 0) else None
    return (9 if rank is None else rank, (getattr(row, "display_name", "") or "").lower())


def identity_id(row: Any) -> str:
    return str(_get(row, "id", ""))


def identity_search(row: Any) -> str:
    """Plain words of the filter match the name and the ids."""
    return search_text(_get(row, "display_name"), _get(row, "id"), _get(row, "app_id"))


IDENTITY_FIELDS: Mapping[str, Callable[[Any], Any]] = {
    # the `field:` values of the filter language (models.query.FIELDS); `kind:` matches
    # the Graph-derived kind ("microsoft-app") and the label the column shows ("Microsoft")
    "kind": lambda r: (_get(r, "kind") or "", kind_label(_get(r, "kind"))),
    "tier": lambda r: _get(r, "tier"),
    "rule": lambda r: (_get(r, "rules", "") or "").split(),
    "severity": lambda r: (_get(r, "severities", "") or "").split(),
    "owner": lambda r: _get(r, "owners", ""),
    "label": lambda r: _get(r, "labels", ()),
}


def identity_fields(row: Any) -> Mapping[str, Any]:
    return {name: get(row) for name, get in IDENTITY_FIELDS.items()}
