"""Shared by the explorer tests: a small in-memory data source, fixed rows (some with
hostile names), a fixed clock, and helpers to read what the screen shows.

The fake source implements tui.datasource.DataSource the way the cache-backed one does:
rows are models.index.IndexRow, details are models.identity.WorkloadIdentity, raw bodies
are Graph-shaped JSON. The demo tenant itself (tests of the real screens) is in
test_tui_demo.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from models.identity import WorkloadIdentity
from models.index import IndexRow
from tui.app import WlxApp, build_app
from tui.datasource import SourceMeta
from tui.screens.links import Location

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
SNAPSHOT = datetime(2025, 3, 1, 9, 45, tzinfo=timezone.utc)  # 2h 15m before NOW

HOSTILE_NAMES = (
    "[b]Bold[/b] payroll",
    "[link=https://evil.example]click me[/link]",
    "close [/] tag",
    "\x1b[31mred\x1b[0m sync",
    "wipe \x1b[2J screen",
    "\x1b]8;;https://evil.example\x07osc8 link\x1b]8;;\x07",
    "\x1b]0;pwned title\x07title app",
    "invoice\u202etxt.exe",
    "zero\u200bwidth\u200djoin",
    "line\nbreak",
    "[$accent]theme var[/]",
    "[@click=app.quit]quit me[/]",
    "trailing backslash \\",
    "日本語の業務アプリ 🚀 デプロイ",
    "L" + "o" * 320 + "ng name",
)

KINDS = ("app", "managed-identity-system", "microsoft-app", "app-without-sp",
         "managed-identity-user", "external-app")
TIERS = ("ControlPlane", "ManagementPlane", "UserAccess", "Unclassified")
SEVERITIES = (None, "high", "medium", "low", "info")


def make_row(i: int, name: str | None = None, **changes: Any) -> IndexRow:
    severity = SEVERITIES[i % len(SEVERITIES)]
    values: dict[str, Any] = dict(
        id=f"00000000-0000-4000-8000-{i:012d}", app_id=f"11111111-0000-4000-8000-{i:012d}",
        display_name=name if name is not None else f"Payroll worker {i:03d}",
        kind=KINDS[i % len(KINDS)], tier=TIERS[i % len(TIERS)], enabled=True,
        credential_count=i % 3,
        soonest_expiry=f"2025-03-{1 + i % 28:02d}T00:00:00Z" if i % 3 else None,
        last_sign_in=f"2025-02-{1 + i % 28:02d}T08:00:00Z" if i % 4 else None,
        owners_count=i % 2, worst_severity=severity, findings_count=(i % 4) if severity else 0,
        owners="Jane Doe jane@contoso.example" if i % 2 else "",
        rules="credential-expired" if severity else "", severities=severity or "",
        tier_overridden=False)
    if not values["findings_count"]:
        values.update(worst_severity=None, rules="", severities="")
    values.update(changes)
    return IndexRow(**values)


def sample_rows(count: int = 40) -> list[IndexRow]:
    """`count` ordinary rows; names sort in id order."""
    return [make_row(i) for i in range(count)]


def hostile_rows() -> list[IndexRow]:
    return [make_row(i, name) for i, name in enumerate(HOSTILE_NAMES)]


class FakeSource:
    """In-memory tui.datasource.DataSource; `rows` may be replaced to test refresh."""

    def __init__(self, rows: list[IndexRow], tenant_name: str = "Contoso",
                 principal: str = "admin@contoso.example") -> None:
        self.rows = rows
        self.tenant_name, self.principal = tenant_name, principal
        self.index_reads = 0

    def meta(self) -> SourceMeta:
        return SourceMeta(tenant_id="72f988bf-0000-4000-8000-000000000001",
                          tenant_name=self.tenant_name, cloud="global",
                          principal=self.principal, snapshot_time=SNAPSHOT, origin="test")

    def index(self) -> list[IndexRow]:
        self.index_reads += 1
        return list(self.rows)

    def detail(self, identity_id: str) -> WorkloadIdentity | None:
        row = next((r for r in self.rows if r.id == identity_id), None)
        if row is None:
            return None
        return WorkloadIdentity(id=row.id, app_id=row.app_id, display_name=row.display_name,
                                kind=row.kind, tier=row.tier, enabled=row.enabled)

    def raw(self, identity_id: str) -> dict[str, Any] | None:
        row = next((r for r in self.rows if r.id == identity_id), None)
        if row is None:
            return None
        return {"servicePrincipal": {"id": row.id, "appId": row.app_id,
                                     "displayName": row.display_name}}

    def findings(self) -> list[Any]:
        return []

    def overview(self) -> dict[str, Any]:
        return {}


def make_app(rows: list[IndexRow] | None = None, **options: Any) -> WlxApp:
    """The app on the in-memory source, starting on the identity list (the shell tests)."""
    source = options.pop("source", None) or FakeSource(rows if rows is not None else sample_rows())
    options.setdefault("start", Location("list", "identities"))
    return build_app(source, now=NOW, **options)


async def settle(pilot: Any) -> None:
    """Wait until the workers (index, details, export) finished and the screen caught up
    (a view that is still busy drawing what they read gets up to 30 s)."""
    import time

    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    end = time.monotonic() + 30
    while getattr(pilot.app.screen, "busy", False) and time.monotonic() < end:
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: WlxApp) -> str:
    """What the terminal shows, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


KEY_NAMES = {" ": "space", '"': "quotation_mark", ":": "colon", "!": "exclamation_mark",
             "/": "slash"}


async def type_text(pilot: Any, text: str) -> None:
    """Type text key by key, as a user does (each key goes through the bindings)."""
    await pilot.press(*[KEY_NAMES.get(char, char) for char in text])


def table_of(app: WlxApp) -> Any:
    """The table of the current screen."""
    from tui.widgets.virtual_table import VirtualTable

    return app.screen.query_one(VirtualTable)


# -- the demo tenant, synced once per test session into a temp cache ----------------------

DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)  # the demo's own "now"
APP_NOW = datetime(2026, 11, 20, 9, 12, tzinfo=timezone.utc)  # the app's clock: 12m later
_DEMO: dict[str, Any] = {}


def demo_store() -> Any:
    """The fixed demo tenant (300 identities, seed 7) synced through the real path
    (tui.sync: replay Graph, reader, analysis, cache) into a temp dir, once."""
    if "store" not in _DEMO:
        import atexit
        import shutil
        import tempfile

        from cache import Store
        from tui.source import Source
        from tui.sync import sync

        from concurrent.futures import ThreadPoolExecutor

        root = tempfile.mkdtemp(prefix="wlx-tui-demo-")
        atexit.register(shutil.rmtree, root, True)
        store = Store(root)
        # sync runs its own event loop: in a thread, so async tests can call this too
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(sync, Source("demo", demo_size=300), store,
                                 now=DEMO_NOW).result()
        _DEMO.update(store=store, tenant=result.tenant_id)
    return _DEMO["store"]


def demo_source() -> Any:
    """A fresh CacheSource on the demo snapshot (each app gets its own)."""
    from tui.cache_source import CacheSource

    store = demo_store()
    return CacheSource(store, _DEMO["tenant"])


def demo_id(name: str) -> str:
    """The id of a demo identity by its display name."""
    if "ids" not in _DEMO:
        _DEMO["ids"] = {row.display_name: row.id for row in demo_source().index()}
    return _DEMO["ids"][name]


def demo_app(start: Location | None = None, **options: Any) -> WlxApp:
    """The app on the demo tenant, as `wlx --demo` opens it (on the overview)."""
    return build_app(demo_source(), now=APP_NOW, start=start, **options)


async def wait_for(pilot: Any, condition: Any, timeout: float = 30.0) -> None:
    """Let the app run until condition() holds (workers, a sync child); fails after
    `timeout` seconds so a broken feature cannot hang the suite."""
    import time

    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting for the app"
        await pilot.pause(0.05)
    await settle(pilot)
