"""The rows of the "what changed" view: one section per kind of change (identities added
and removed, new credentials, federated credentials, permissions, roles, owners, tier
changes, new and resolved findings), each a header row and one row per item.

Built from a models.diff document (cache.snapshot_diff.diff_sides); reading the two
snapshots is `read_diff`. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.diff import PART_TITLES, PARTS, describe_item
from models.text import clean


@dataclass(frozen=True)
class DiffRow:
    id: str
    section: str
    name: str  # the identity
    detail: str
    identity_id: str = ""
    header: bool = False
    tier: str = ""
    kind: str = ""


SECTION_TITLES = {"added": "new identities", "removed": "removed identities",
                  **{f"{p}Added": f"new {PART_TITLES[p]}" for p in PARTS},
                  **{f"{p}Removed": f"removed {PART_TITLES[p]}" for p in PARTS},
                  "tier": "tier changes", "enabled": "enabled or disabled",
                  "findingsNew": "new findings", "findingsResolved": "resolved findings"}
ORDER = ["added", "removed", *(f"{p}Added" for p in PARTS), "tier", "findingsNew",
         *(f"{p}Removed" for p in PARTS), "enabled", "findingsResolved"]


def _plain(text: str) -> str:
    # describe_item writes Markdown (escaped names, backticks): the table shows plain text
    return clean(text.replace("\\", "").replace("`", "").replace("**", ""))


def diff_rows(diff: dict[str, Any]) -> list[DiffRow]:
    """Sections in ORDER, each a header and its items; empty sections are left out."""
    sections: dict[str, list[DiffRow]] = {key: [] for key in ORDER}

    def ref_row(section: str, ref: dict[str, Any], detail: str, n: int) -> DiffRow:
        return DiffRow(f"{section}:{ref.get('id')}:{n}", section,
                       ref.get("displayName") or ref.get("id") or "?", detail,
                       ref.get("id") or "", tier=ref.get("tier") or "",
                       kind=ref.get("kind") or "")

    for n, entry in enumerate(diff.get("added") or []):
        ref = entry["identity"]
        parts = [f"{len(entry.get(p) or [])} {PART_TITLES[p]}" for p in PARTS if entry.get(p)]
        sections["added"].append(ref_row("added", ref, ", ".join(parts) or "new", n))
    for n, entry in enumerate(diff.get("removed") or []):
        sections["removed"].append(ref_row("removed", entry["identity"], "gone", n))
    for n, change in enumerate(diff.get("changed") or []):
        ref = change["identity"]
        for part in PARTS:
            for way in ("Added", "Removed"):
                for m, item in enumerate(change.get(part + way) or []):
                    sections[part + way].append(ref_row(part + way, ref,
                                                        _plain(describe_item(part, item)),
                                                        n * 1000 + m))
        for name in ("tier", "enabled"):
            if name in change:
                before, after = change[name].get("before"), change[name].get("after")
                sections[name].append(ref_row(name, ref, f"{before} → {after}", n))
    for way, key in (("new", "findingsNew"), ("resolved", "findingsResolved")):
        for n, f in enumerate((diff.get("findings") or {}).get(way) or []):
            sections[key].append(DiffRow(
                f"{key}:{f.get('id')}:{n}", key, f.get("displayName") or f.get("identity_id")
                or "?", f"{f.get('severity')} {f.get('rule')}: {f.get('summary') or ''}",
                f.get("identity_id") or ""))
    rows: list[DiffRow] = []
    for key in ORDER:
        items = sections[key]
        if items:
            rows.append(DiffRow(f"section:{key}", key, f"{SECTION_TITLES[key]} ({len(items)})",
                                "", header=True))
            rows += items
    return rows


def read_diff(store: Any, tenant_id: str, generations: tuple[int, int] | None = None
              ) -> dict[str, Any]:
    """The diff of two cached generations of a tenant (the two newest by default).
    ValueError with what to do when there are not two."""
    from cache.snapshot_diff import diff_sides, snapshot_side

    tenant = store.tenant(tenant_id)
    numbers = sorted(g.number for g in tenant.generations())
    if generations is None:
        if len(numbers) < 2:
            raise ValueError(f"this tenant has {len(numbers)} cached snapshot(s): sync again "
                             "(r) to have two to compare")
        generations = (numbers[-2], numbers[-1])
    sides = []
    for number in generations:
        reader = tenant.snapshot(number)
        if reader is None:
            raise ValueError(f"no cached snapshot {number}; have "
                             f"{', '.join(map(str, numbers)) or 'none'}")
        try:
            sides.append(snapshot_side(reader))
        finally:
            reader.close()
    return diff_sides(sides[0], sides[1])
