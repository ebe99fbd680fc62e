"""The incident bundle from the app: mark identities, `b`, confirm the folder; bundle.json,
bundle.md (owner-only) and a redacted recording of just them; an existing bundle is
replaced only after asking."""

from __future__ import annotations

import json
import stat

from test_tui_support import demo_app, demo_id, settle, table_of

from tui.dialogs.bundle import PathDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.links import Location

LEGACY = "Test App (legacy)"
SUSPICIOUS_IP = "203.0.113.77"


async def test_marked_identities_become_a_bundle_in_the_confirmed_folder(tmp_path):
    target = tmp_path / "incident"
    app = demo_app(Location("list", "identities", "legacy"))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        rows = table_of(app).visible_rows
        at = next(n for n, r in enumerate(rows) if r.display_name == LEGACY)
        await pilot.press(*["down"] * at, "space")  # mark the legacy app and the next
        await pilot.press("space")
        marked = list(dict.fromkeys(r.id for r in table_of(app).marked))
        assert demo_id(LEGACY) in marked and len(marked) == 2
        await pilot.press("b")
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        bundle = json.loads((target / "bundle.json").read_text())
        for name in ("bundle.json", "bundle.md"):
            assert stat.S_IMODE((target / name).stat().st_mode) == 0o600
        assert (target / "recording").is_dir()
        text = (target / "bundle.md").read_text()
        assert LEGACY in text and SUSPICIOUS_IP in text  # its timeline's sign-ins
        assert SUSPICIOUS_IP not in "".join(p.read_text() for p in
                                            (target / "recording").rglob("*.json"))
        assert len(json.dumps(bundle)) > 1000
        # a second export into the same folder asks first; no keeps the bundle as it was
        (target / "bundle.md").write_text("kept")
        await pilot.press("b")
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert (target / "bundle.md").read_text() == "kept"
