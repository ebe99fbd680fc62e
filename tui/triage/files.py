"""Writing what triage exports (Markdown of the diff or of a maintenance session) to a
path the user confirms: readable by the owner only (0600), never replacing a file
without asking."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def write_private(path: Path, text: str, overwrite: bool = False) -> Path:
    """Write text 0600; FileExistsError when it exists and overwrite is False."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    handle = os.open(path, flags, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(path, 0o600)  # an existing file keeps its mode on O_TRUNC
    return path


def save_markdown(app: Any, default: Path, text: str, what: str) -> None:
    """Markdown of `what`, to a path the user confirms."""
    save_text(app, default, text, f"Export {what}", f"{what} as Markdown", f"wrote {what}")


def save_text(app: Any, default: Path, text: str, title: str, description: str,
              done: str) -> None:
    """Ask for the path (PathDialog), ask again before replacing a file, then write;
    `done` starts the message after writing ("<done> to <path>")."""
    from tui.dialogs.bundle import PathDialog
    from tui.dialogs.confirm import ConfirmDialog

    def write(path: Path, overwrite: bool) -> None:
        try:
            write_private(path, text, overwrite)
        except OSError as exc:
            app.flash(f"cannot write {path}: {exc.strerror or exc}", "error")
        else:
            app.flash(f"{done} to {path}", "success")

    def chosen(path: Path | None) -> None:
        if path is None:
            return
        if path.exists():
            question = ConfirmDialog("Replace the file?", f"{path} exists. Replace it?",
                                     "Replace")
            app.push_screen(question, lambda yes: yes and write(path, True))
        else:
            write(path, False)
    app.push_screen(PathDialog(title, description, default), chosen)
