"""What changed (`:diff`, or `:diff 5 7` for chosen generations): the two newest cached
snapshots of the tenant compared, in sections (new and removed identities, new
credentials, federated credentials, permissions, roles, owners, tier changes, new and
resolved findings). Enter opens the identity; `m` exports the diff as Markdown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.binding import Binding

from models.diff import diff_markdown
from models.query import search_text
from tui.screens.links import Link, Location, Target
from tui.screens.row_list import TABLE_CSS, RowListScreen
from tui.triage.diff_rows import SECTION_TITLES, DiffRow, diff_rows, read_diff
from tui.widgets.badges import kind_label, tier_label, tier_tone
from tui.widgets.table_model import Column, RowSet


def _generations(text: str) -> tuple[int, int] | None:
    words = text.split()
    if len(words) == 2 and all(w.isdigit() for w in words):
        return int(words[0]), int(words[1])
    return None


class DiffScreen(RowListScreen):
    """The sections of one diff; header rows name the section and its count."""

    DEFAULT_CSS = TABLE_CSS.format(name="DiffScreen")
    BINDINGS = [Binding("m", "markdown", "Markdown", id="diff_markdown")]
    default_sort = (None, False)  # the sections' order
    markable = False

    def __init__(self, location: Location) -> None:
        self.generations = _generations(location.filter_text)
        if self.generations is not None:  # `:diff 5 7` chose the generations, not a filter
            location = Location(location.screen, location.target)
        super().__init__(location)
        self.diff: dict[str, Any] | None = None
        self.problem = ""
        self.view_title = "What changed"

    def columns(self) -> list[Column]:
        return [Column("section", "CHANGE", lambda r: "" if r.header
                       else SECTION_TITLES.get(r.section, r.section), width=22),
                Column("name", "IDENTITY", lambda r: ("▸ " + r.name) if r.header else r.name,
                       min_width=20, max_width=44,
                       tone=lambda r: "accent" if r.header else None),
                Column("kind", "KIND", lambda r: kind_label(r.kind) if r.kind else "", width=12,
                       priority=2),
                Column("tier", "TIER", lambda r: tier_label(r.tier, short=True) if r.tier else "",
                       width=13, tone=lambda r: tier_tone(r.tier) if r.tier else None,
                       priority=2),
                Column("detail", "WHAT", lambda r: r.detail, min_width=20, flex=4)]

    def row_id(self, row: Any) -> str:
        return row.id

    def search(self, row: Any) -> str:
        return search_text(row.name, row.detail, SECTION_TITLES.get(row.section, ""),
                           row.identity_id)

    def fields(self) -> dict[str, Any]:
        return {"kind": lambda r: (r.kind, kind_label(r.kind)), "tier": lambda r: r.tier}

    def build_rows(self, index: RowSet) -> list[DiffRow]:
        source = self.wlx.source
        if not hasattr(source, "store"):
            self.problem = "this data source has no cached snapshots to compare"
            return []
        try:
            self.diff = read_diff(source.store, source.tenant_id, self.generations)
        except ValueError as exc:
            self.problem, self.diff = str(exc), None
            return []
        self.problem = ""
        before, after = self.diff.get("before", {}), self.diff.get("after", {})
        self.view_title = (f"What changed {str(before.get('asOf'))[:16].replace('T', ' ')} "
                           f"(#{before.get('generation')}) → "
                           f"{str(after.get('asOf'))[:16].replace('T', ' ')} "
                           f"(#{after.get('generation')})")
        return diff_rows(self.diff)

    def empty_text(self) -> str:
        if self.problem:
            return self.problem
        return "nothing matches the filter" if self.rows else "nothing changed"

    def counts(self, table: Any) -> tuple[int, int]:
        shown = sum(1 for r in table.visible_rows if not r.header)
        return shown, sum(1 for r in self.rows if not r.header)

    def subtitle(self, table: Any) -> str:
        return "enter opens the identity · m Markdown" if self.rows else ""

    def links_for(self, row: Any) -> list[Link]:
        if row.header or not row.identity_id:
            return []
        if self.wlx.identity_row(row.identity_id) is None:
            return []  # removed: not in the snapshot shown
        tab = {"credentialsAdded": "credentials", "federatedAdded": "federated",
               "permissionsAdded": "permissions", "rolesAdded": "roles",
               "ownersAdded": "owners", "findingsNew": "findings"}.get(row.section, "")
        return [Link(row.name, Location("detail", row.identity_id, tab=tab))]

    def open_links(self, links: list[Link]) -> None:
        row = self.selected()
        if not links and row is not None and row.section == "removed":
            self.flash("this identity is gone from the newest snapshot", "information")
            return
        super().open_links(links)

    def target_of(self, row: Any) -> Target | None:
        if row.header or not row.identity_id or self.wlx.identity_row(row.identity_id) is None:
            return None
        return Target("identity", row.identity_id, row.identity_id, row)

    def selected_id(self) -> str | None:
        row = self.selected()
        return (row.identity_id or None) if row is not None else None

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(row.identity_id) if row.identity_id else None

    def export_rows(self, table: Any) -> list[Any]:
        return [r for r in table.visible_rows if not r.header]

    def action_markdown(self) -> None:
        from tui.triage.files import save_markdown

        if self.diff is None:
            self.flash(self.problem or "the diff is still loading", "warning")
            return
        default = Path.cwd() / f"wlx-diff-{self.wlx.now():%Y%m%d-%H%M}.md"
        save_markdown(self.wlx, default, diff_markdown(self.diff), "what changed")

    def view_name(self) -> str:
        return "diff"
