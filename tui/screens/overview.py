"""The start screen: the tenant at a glance (models.overview.Overview), as tiles that open
the list filtered to them.

Tenant, cloud, who signed in, where the data came from and how old it is; identities by
kind and tier; findings by severity and by rule; credentials by type, expired and
expiring; inactive identities, unused permissions, users per identity; the data kinds
that could not be read, with the permission that would unlock them. Arrows or hjkl move,
enter opens (`tier:=ControlPlane` on the list, `rule:credential-expired` on the findings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from models.finding import SEVERITIES
from models.kinds import KINDS
from models.overview import Overview, Share
from models.tiers import TIERS
from models.text import clean
from tui.datasource import SourceMeta
from tui.screens.base import ViewScreen
from tui.screens.formatting import minute
from tui.screens.links import Location
from tui.widgets.badges import (kind_label, severity_label, severity_tone, tier_label,
                                tier_tone)
from tui.widgets.header_bar import age_text
from tui.widgets.table_model import RowSet
from tui.widgets.tiles import Section, TileBoard, TileData

PLANS = {
    3: [["tenant", "identities", "activity"], ["tiers", "severity", "credentials"],
        ["rules", "data"]],
    2: [["tenant", "identities", "tiers", "activity", "data"],
        ["severity", "rules", "credentials"]],
    1: [["tenant", "identities", "tiers", "severity", "rules", "credentials", "activity",
         "data"]],
}
ORIGINS = {"demo": "the built-in demo tenant", "recording": "a recording", "live": "live Graph"}


def _n(value: int | None) -> str:
    return f"{value:,}" if value is not None else "?"


def _share_text(share: Share) -> str:
    if share.count is None or share.share is None:
        return "unknown"
    return f"{_n(share.count)} of {_n(share.total)} ({share.share:.0%})"


def _list(filter_text: str = "", view: str = "identities") -> Location:
    return Location("list", view, filter_text)


def _findings(filter_text: str = "") -> Location:
    return Location("findings", "findings", filter_text)


def _credentials(filter_text: str = "") -> Location:
    return Location("credentials", "credentials", filter_text)


def overview_from_index(rows: list[Any]) -> Overview:
    """What the index alone can tell, for a source without an analysed overview."""
    severities: Counter[str] = Counter()
    for row in rows:
        severities.update((getattr(row, "severities", "") or "").split())
    return Overview(identities=len(rows),
                    by_kind=dict(Counter(getattr(r, "kind", "") or "?" for r in rows)),
                    by_tier=dict(Counter(getattr(r, "tier", "") or "Unclassified"
                                         for r in rows)),
                    findings_by_severity=dict(severities))


def sections(overview: Overview, meta: SourceMeta | None, now: Any) -> list[Section]:
    result = [Section("tenant", "Tenant", _tenant_lines(meta, now))]
    largest = max(overview.by_kind.values(), default=0) or 1
    kinds = [TileData("all", "all identities", _n(overview.identities), opens=_list())]
    kinds += [TileData(f"kind:{k}", kind_label(k), _n(n), opens=_list(f"kind:={k}"),
                       share=n / largest) for k in (*KINDS, *sorted(set(overview.by_kind)
                                                                    - set(KINDS)))
              if (n := overview.by_kind.get(k))]
    result.append(Section("identities", "Identities by kind", kinds))
    largest = max(overview.by_tier.values(), default=0) or 1
    result.append(Section("tiers", "Tiers (Enterprise Access Model)", [
        TileData(f"tier:{t}", tier_label(t), _n(overview.by_tier.get(t, 0)),
                 tone=tier_tone(t), opens=_list(f"tier:={t}"),
                 share=overview.by_tier.get(t, 0) / largest) for t in TIERS]))
    by_severity = overview.findings_by_severity
    total = sum(by_severity.values())
    largest = max(by_severity.values(), default=0) or 1
    result.append(Section("severity", "Findings by severity", [
        TileData("findings", "all findings", _n(total), opens=_findings()),
        *(TileData(f"severity:{s}", severity_label(s), _n(by_severity.get(s, 0)),
                   tone=severity_tone(s), opens=_findings(f"severity:={s}"),
                   share=by_severity.get(s, 0) / largest) for s in SEVERITIES)]))
    largest = max(overview.findings_by_rule.values(), default=0) or 1
    rules = [TileData(f"rule:{rule}", rule, _n(n), opens=_findings(f"rule:={rule}"),
                      share=n / largest) for rule, n in overview.findings_by_rule.items()]
    result.append(Section("rules", "Findings by rule", rules or [
        TileData("rules-none", "no findings")]))
    result.append(Section("credentials", "Credentials", _credential_tiles(overview)))
    result.append(Section("activity", "Activity and access", _activity_tiles(overview)))
    result.append(Section("data", "Data", _data_lines(overview)))
    return result


def _tenant_lines(meta: SourceMeta | None, now: Any) -> list[TileData]:
    if meta is None:
        return [TileData("tenant-loading", "loading…")]
    when = meta.snapshot_time
    return [
        TileData("tenant-name", clean(meta.tenant_name or "(no name)"), ""),
        TileData("tenant-id", f"id {meta.tenant_id}"),
        TileData("tenant-cloud", f"cloud {meta.cloud}"),
        TileData("tenant-who", f"signed in {clean(meta.principal) or '— (no sign-in)'}"),
        TileData("tenant-origin", f"data from {ORIGINS.get(meta.origin, clean(meta.origin))}"),
        TileData("tenant-age", f"snapshot {minute(when) or '?'} UTC ({age_text(when, now)})"),
    ]


def _credential_tiles(overview: Overview) -> list[TileData]:
    c = overview.credentials
    names = {"secret": "client secrets", "certificate": "certificates", "key": "keys",
             "federated": "federated credentials"}
    largest = max(c.by_type.values(), default=0) or 1
    return [
        TileData("credentials", "all credentials", _n(c.total), opens=_credentials()),
        *(TileData(f"type:{t}", names.get(t, t), _n(n), opens=_credentials(f"kind:={t}"),
                   share=n / largest) for t, n in c.by_type.items()),
        TileData("expired", "expired", _n(c.expired), tone="error" if c.expired else None,
                 opens=_credentials("rule:=credential-expired")),
        TileData("expiring", "expiring soon", _n(c.expiring),
                 tone="warning" if c.expiring else None,
                 opens=_credentials("rule:=credential-expiring")),
        TileData("on-sp", "on a service principal object", _n(c.on_service_principal),
                 tone="warning" if c.on_service_principal else None),
        TileData("azure", "Azure-managed (not counted)", _n(c.azure_managed)),
    ]


def _activity_tiles(overview: Overview) -> list[TileData]:
    inactive, unused = overview.inactive, overview.unused_permissions
    per = overview.users_per_identity
    return [
        TileData("inactive", "inactive identities", _share_text(inactive),
                 opens=Location("list", "inactive"), note=inactive.note or inactive.basis),
        TileData("unused", "unused app permissions", _share_text(unused),
                 note=unused.note or unused.basis),
        TileData("users", "users per workload identity", f"{per:g}" if per else "?",
                 note=f"{_n(overview.user_count)} users"),
    ]


def _data_lines(overview: Overview) -> list[TileData]:
    lines = [TileData(f"missing:{u.kind}", f"✖ {u.kind}: {clean(u.reason, 80)}",
                      tone="error", note=f"grant {u.permission}: {u.unlocks}")
             for u in overview.unavailable]
    lines += [TileData(f"grant:{u.kind}", f"   grant {u.permission} ({u.unlocks})",
                       tone="muted") for u in overview.unavailable]
    if not overview.unavailable:
        lines.append(TileData("complete", "✔ every data kind was read", tone="success"))
    lines.append(TileData("warnings", "data warnings", _n(overview.data_warnings),
                          tone="warning" if overview.data_warnings else None,
                          note="values Graph sent that could not be used (kept as unknown)"))
    return lines


class OverviewScreen(ViewScreen):
    """Tiles that open the views behind them."""

    AUTO_FOCUS = ""  # the board focuses its first tile once built
    uses_index = False
    DEFAULT_CSS = """
    OverviewScreen #tile-hint { height: 1; padding: 0 2; color: $text-muted;
                                text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.overview: Overview | None = None

    def compose_body(self) -> ComposeResult:
        yield TileBoard(PLANS, id="board")
        yield Static("", id="tile-hint")

    def on_mount(self) -> None:
        self.load()

    def rows_loaded(self, rows: RowSet) -> None:
        if self.overview is not None and not self.overview.identities:
            self.show_overview(overview_from_index(rows.rows))

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load(self) -> None:
        meta = self.wlx.meta or self.wlx.source.meta()  # the tenant tile needs it
        self.app.call_from_thread(self._set_meta, meta)
        raw = self.wlx.source.overview()
        overview = raw if isinstance(raw, Overview) else Overview.model_validate(
            raw if isinstance(raw, Mapping) else {})
        if not overview.identities and self.wlx.rowset is not None:
            overview = overview_from_index(self.wlx.rowset.rows)
        if not get_current_worker().is_cancelled:  # a newer load replaced this one
            self.app.call_from_thread(self.show_overview, overview)

    def _set_meta(self, meta: Any) -> None:
        if self.wlx.meta is None:
            self.wlx.meta = meta
            self.wlx.update_headers()

    def show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.query_one(TileBoard).show(sections(overview, self.wlx.meta, self.wlx.now()))

    def on_tile_board_built(self, event: TileBoard.Built) -> None:
        self.app.call_after_refresh(self.wlx.request_index)  # once the tiles are drawn

    def on_tile_board_chosen(self, event: TileBoard.Chosen) -> None:
        if event.data.opens is not None:
            self.wlx.open(event.data.opens)

    def on_tile_board_focused(self, event: TileBoard.Focused) -> None:
        data = event.data
        where = data.opens
        text = f"enter opens :{where.target} {where.filter_text}".rstrip() if where else ""
        if data.note:
            text = f"{text} · {data.note}" if text else data.note
        self.query_one("#tile-hint", Static).update(Content(clean(text, 300)))

    def action_filter_prompt(self) -> None:
        """`/` here searches the identities: the list opens with its filter prompt."""
        self.wlx.open(Location("list", "identities"))
        self.app.call_after_refresh(self.app.screen.run_action, "filter_prompt")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("raw", "copy", "export", "disable"):
            return False  # a tile is not a directory object: these keys are not offered
        return super().check_action(action, parameters)

    @property
    def busy(self) -> bool:
        return self.overview is None or self.query_one(TileBoard).pending > 0

    def fields(self) -> dict[str, Any]:
        return {}

    def selected(self) -> Any | None:
        return None  # a tile is not a directory object: nothing to copy or show raw

    def selected_id(self) -> str | None:
        return None
