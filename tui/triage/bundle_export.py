"""`b`: export an incident bundle of the marked identities (or the cursor's): bundle.json and
bundle.md with their timelines, and a redacted recording of just them (graph.bundle), into
a folder the user confirms. Files are owner-only; an existing bundle is replaced only
after asking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BUNDLE_FILES = ("bundle.json", "bundle.md", "recording")


def identity_ids(targets: list[Any]) -> list[str]:
    """The identities the rows belong to, once each, in row order."""
    return list(dict.fromkeys(t.identity_id for t in targets if t.identity_id))


def write_incident_bundle(source: Any, ids: list[str], directory: Path, now: Any,
                          tenant_name: str = "") -> tuple[Any, list[str]]:
    """Write the bundle (runs in a worker); (BundleFiles, what was left out)."""
    from graph.bundle import new_salt, write_bundle
    from models.bundle import build_bundle
    from tui.screens.detail import as_identity

    identities, missing = [], []
    for identity_id in ids:
        identity = as_identity(source.detail(identity_id))
        if identity is None:
            missing.append(f"{identity_id} (not in this snapshot)")
        else:
            identities.append(identity)
    snapshot = getattr(source, "snapshot", None)
    recording = snapshot.recording() if snapshot is not None else None
    if recording is None:
        missing.append("the redacted recording (this snapshot keeps no recording)")
    bundle = build_bundle(identities, now, tenant_id=getattr(source, "tenant_id", ""),
                          tenant_name=tenant_name)
    files = write_bundle(directory, bundle, recording, identities, salt=new_salt())
    return files, missing


def export_bundle(app: Any, targets: list[Any]) -> None:
    """The row action: ask where, ask before replacing, write in a worker."""
    from tui.dialogs.bundle import PathDialog
    from tui.dialogs.confirm import ConfirmDialog

    ids = identity_ids(targets)
    if not ids:
        app.flash("no identity on this row", "warning")
        return
    default = Path.cwd() / f"wlx-incident-{app.now():%Y%m%d-%H%M}"

    def write(directory: Path) -> None:
        app.run_worker(lambda: _write(app, ids, directory), thread=True, group="export",
                       exit_on_error=False)

    def chosen(directory: Path | None) -> None:
        if directory is None:
            return
        present = [name for name in BUNDLE_FILES if (directory / name).exists()]
        if present:
            question = ConfirmDialog("Replace the bundle?", f"{directory} already holds "
                                     f"{', '.join(present)}. Replace them?", "Replace")
            app.push_screen(question, lambda yes: yes and write(directory))
        else:
            write(directory)
    what = (f"{len(ids)} identit{'y' if len(ids) == 1 else 'ies'} with their timelines: "
            "bundle.json, bundle.md and a redacted recording, into this folder")
    app.push_screen(PathDialog("Incident bundle", what, default, folder=True), chosen)


def _write(app: Any, ids: list[str], directory: Path) -> None:
    meta = app.meta
    try:
        files, missing = write_incident_bundle(app.source, ids, directory, app.now(),
                                               meta.tenant_name if meta else "")
    except OSError as exc:
        app.call_from_thread(app.flash, f"cannot write the bundle: {exc}", "error")
        return
    message = f"wrote the incident bundle of {len(ids)} identities to {files.directory}"
    if missing:
        message += "; left out: " + "; ".join(missing)
    app.call_from_thread(app.flash, message, "warning" if missing else "success")
