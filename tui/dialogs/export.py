"""`ctrl+s`: write the current view (its rows as shown: filtered and sorted) to CSV or JSON.

The user confirms the path; an existing file is never replaced without asking. Exports
hold tenant data, so the file is created readable by its owner only (0600). CSV cells are
cleaned and guarded against spreadsheet formulas; JSON keeps the values' types.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.text import clean
from tui.widgets.table_model import Column

FORMATS = ("csv", "json")


def format_of(path: str | Path) -> str:
    return "json" if str(path).lower().endswith(".json") else "csv"


def _csv_cell(value: Any) -> str:
    text = "" if value is None else clean(value)
    # a leading = + - @ makes a spreadsheet evaluate the cell: keep it text
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return clean(value)


def render_export(columns: Sequence[Column], rows: Sequence[Any], fmt: str) -> str:
    if fmt == "json":
        records = [{c.key: _json_value(c.export(row)) for c in columns} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.export(row)) for c in columns])
    return out.getvalue()


def write_export(path: str | Path, columns: Sequence[Column], rows: Sequence[Any],
                 fmt: str | None = None, overwrite: bool = False) -> Path:
    """Write the rows; FileExistsError when the file exists and overwrite is False."""
    target = Path(path).expanduser()
    text = render_export(columns, rows, fmt or format_of(target))
    if not overwrite:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        return target
    temporary = target.with_name(f".{target.name}.wlx-tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, target)
    return target


class ExportDialog(ModalScreen[Path | None]):
    """Asks for the path (the extension picks the format); esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export_cancel")]
    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
        #export-box { width: 90%; max-width: 100; height: auto; border: round $primary;
                      background: $surface; padding: 0 1; }
        #export-box > Static { height: auto; }
        #export-hint { color: $text-muted; }
        #export-hint.-error { color: $text-error; }
    }
    """

    def __init__(self, default_path: Path, count: int, view: str) -> None:
        super().__init__()
        self.default_path, self.count, self.view = default_path, count, view

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export the current view"
            yield Static(f"{self.count} rows of {self.view}, as shown (filter and sort)",
                         markup=False)
            yield Input(str(self.default_path), id="export-path")
            yield Static("enter writes · .csv or .json picks the format · esc cancels",
                         id="export-hint", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#export-hint", Static)
        hint.update(Text(f"format {format_of(event.value).upper()} · enter writes · esc cancels"))
        hint.remove_class("-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#export-hint", Static).update(Text("type a file path"))
            return
        target = Path(value).expanduser()
        if not target.parent.is_dir():
            hint = self.query_one("#export-hint", Static)
            hint.update(Text(f"no such folder: {clean(target.parent)}"))
            hint.add_class("-error")
            return
        self.dismiss(target)
