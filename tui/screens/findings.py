"""`:findings`: every finding of the tenant, grouped by rule (a header row per rule with
its count, worst rules first), filterable by `rule:`, `severity:`, `tier:`, `kind:`,
`owner:` and plain words. Sorting by another column lists the findings without groups.
Enter on a finding opens its identity on the Findings tab with the finding under the
cursor; enter on a rule header narrows the view to that rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from models.finding import severity_rank
from models.query import Query, parse_query, search_text
from tui.rows import FindingRow, finding_rows
from tui.screens.filtering import QueryFilter
from tui.screens.formatting import evidence_text, plural
from tui.screens.links import Link, Location, Target
from tui.screens.row_list import TABLE_CSS, RowListScreen, lookup
from tui.widgets.badges import (kind_label, severity_label, severity_tone, tier_label,
                                tier_rank_key, tier_tone)
from tui.widgets.table_model import Column, RowSet
from tui.widgets.virtual_table import VirtualTable


@dataclass(eq=False)
class RuleGroup:
    """The header row of one rule; `shown` counts its findings that pass the filter."""

    rule: str
    severity: str  # the worst severity among its findings
    rank: int  # the group's place: worst severity first, then the most findings
    total: int
    shown: int = 0

    @property
    def row_id(self) -> str:
        return f"rule:{self.rule}"


def _is_group(row: Any) -> bool:
    return isinstance(row, RuleGroup)


def groups_of(rows: list[FindingRow]) -> list[RuleGroup]:
    counts = Counter(r.finding.rule for r in rows)
    worst: dict[str, str] = {}
    for row in rows:
        rule, severity = row.finding.rule, row.finding.severity
        if severity_rank(severity) > severity_rank(worst.get(rule)):
            worst[rule] = severity
    order = sorted(counts, key=lambda rule: (-severity_rank(worst[rule]), -counts[rule], rule))
    return [RuleGroup(rule, worst[rule], n, counts[rule]) for n, rule in enumerate(order)]


FINDING_FIELDS: Mapping[str, Callable[[Any], Any]] = {
    "kind": lambda r: () if _is_group(r) else (r.identity_kind, kind_label(r.identity_kind)),
    "tier": lambda r: getattr(r, "identity_tier", ""),
    "rule": lambda r: r.rule if _is_group(r) else r.finding.rule,
    "severity": lambda r: r.severity if _is_group(r) else r.finding.severity,
    "owner": lambda r: getattr(r, "owners", ""),
    "label": lambda r: (),
}


class GroupedFilter:
    """The view's query over the findings, with each rule's header kept before its
    findings when the view is sorted by rule (and headers dropped otherwise)."""

    def __init__(self, query: Query, fields: Mapping[str, Callable[[Any], Any]],
                 grouped: Callable[[], bool]) -> None:
        self.inner = None if query.is_empty else QueryFilter(query, None, "findings", fields)
        self.grouped = grouped

    def select(self, order: list[int], rows: RowSet) -> list[int]:
        items = rows.rows
        members = [i for i in order if not _is_group(items[i])]
        kept = self.inner.select(members, rows) if self.inner else members
        shown = Counter(items[i].finding.rule for i in kept)
        for item in items:
            if _is_group(item):
                item.shown = shown.get(item.rule, 0)
        if not self.grouped():
            return kept
        keep = set(kept)
        return [i for i in order if i in keep or (_is_group(items[i]) and items[i].shown)]


class FindingListScreen(RowListScreen):
    """Findings grouped by rule."""

    DEFAULT_CSS = TABLE_CSS.format(name="FindingListScreen")
    view_title = "Findings"
    default_sort = ("rule", False)

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.group_rank: dict[str, int] = {}

    def rule_order(self, row: Any) -> tuple[int, int, int, str]:
        """Groups in their order; in a group the header first, then worst, then by name."""
        if _is_group(row):
            return (row.rank, 0, 0, "")
        return (self.group_rank.get(row.finding.rule, 0), 1,
                -severity_rank(row.finding.severity), row.identity_name.lower())

    def columns(self) -> list[Column]:
        def member(get: Callable[[Any], Any], group: Callable[[Any], Any] = lambda g: ""):
            return lambda r: group(r) if _is_group(r) else get(r)
        return [
            Column("severity", "SEVERITY", member(lambda r: severity_label(r.finding.severity),
                                                  lambda g: f"{severity_label(g.severity)}"),
                   width=10, tone=lambda r: severity_tone(r.severity if _is_group(r)
                                                          else r.finding.severity),
                   sort_key=lambda r: -severity_rank(getattr(r, "severity", None) if
                                                     _is_group(r) else r.finding.severity)),
            Column("rule", "RULE", member(lambda r: f"  {r.finding.rule}",
                                          lambda g: f"▾ {g.rule}"),
                   min_width=18, max_width=34, sort_key=self.rule_order,
                   tone=lambda r: "accent" if _is_group(r) else "muted",
                   value=member(lambda r: r.finding.rule, lambda g: g.rule)),
            Column("identity", "IDENTITY", member(lambda r: r.identity_name,
                                                  lambda g: plural(g.shown, "finding")),
                   min_width=16, max_width=34,
                   tone=lambda r: "accent" if _is_group(r) else None),
            Column("tier", "TIER", member(lambda r: tier_label(r.identity_tier, short=True)),
                   width=13, tone=lambda r: None if _is_group(r) else tier_tone(r.identity_tier),
                   sort_key=lambda r: None if _is_group(r) else tier_rank_key(r.identity_tier),
                   priority=2),
            Column("summary", "SUMMARY", member(lambda r: r.finding.summary), min_width=20,
                   flex=4),
            Column("evidence", "EVIDENCE", member(lambda r: evidence_text(r.finding.evidence)),
                   min_width=16, flex=2, priority=3),
        ]

    def row_id(self, row: Any) -> str:
        return row.row_id

    def search(self, row: Any) -> str:
        if _is_group(row):
            return row.rule
        return search_text(row.identity_name, row.finding.identity_id, row.finding.rule,
                           row.finding.summary)

    def build_rows(self, index: RowSet) -> list[Any]:
        findings = self.wlx.source.findings()
        identity = lookup(index)
        return finding_rows(findings, {i: identity(i) for i in {f.identity_id
                                                                for f in findings}})

    def prepare(self, rows: list[Any]) -> list[Any]:
        groups = groups_of(rows)
        self.group_rank = {g.rule: g.rank for g in groups}
        return [*groups, *rows]

    def fields(self) -> Mapping[str, Callable[[Any], Any]]:
        return FINDING_FIELDS

    def predicate(self, text: str | Query) -> Any:
        query = parse_query(text) if isinstance(text, str) else text
        table = self.query_one(VirtualTable)
        model = table.model
        return GroupedFilter(query, self.fields(),
                             lambda: model.sort_key == "rule" and not model.sort_reverse)

    def counts(self, table: VirtualTable) -> tuple[int, int]:
        groups = [row for row in table.model.rows if _is_group(row)]
        return sum(g.shown for g in groups), sum(g.total for g in groups)

    def subtitle(self, table: VirtualTable) -> str:
        groups = [row for row in table.model.rows if _is_group(row) and row.shown]
        return plural(len(groups), "rule")

    def empty_text(self) -> str:
        return "no finding matches the filter" if self.rows else "no findings in this snapshot"

    def links_for(self, row: Any) -> list[Link]:
        if _is_group(row):
            return []
        finding = row.finding
        return [Link(f"{row.identity_name}: the finding",
                     Location("detail", finding.identity_id, tab="findings", focus=finding.id))]

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        if _is_group(event.row):  # enter on a rule: narrow the view to it
            event.prevent_default()  # not the base class's drill-down
            event.stop()
            self.apply_filter(f"rule:={event.row.rule}")
        # a finding: ViewScreen's handler (it runs after this one) opens its links

    def target_of(self, row: Any) -> Target | None:
        if _is_group(row):
            return None
        return Target("finding", row.finding.identity_id, row.finding.id, row)

    def selected_id(self) -> str | None:
        row = self.selected()
        return None if row is None or _is_group(row) else row.finding.identity_id

    def identity_for_copy(self, row: Any) -> Any:
        return None if _is_group(row) else self.wlx.identity_row(row.finding.identity_id)

    def copy_extra(self, row: Any) -> list[Any]:
        from tui.dialogs.copy_menu import CopyChoice

        if _is_group(row):
            return [CopyChoice("", "Rule", row.rule)]
        return [CopyChoice("", "Finding summary", row.finding.summary),
                CopyChoice("", "Rule", row.finding.rule)]

    def export_rows(self, table: VirtualTable) -> list[Any]:
        return [row for row in table.visible_rows if not _is_group(row)]

