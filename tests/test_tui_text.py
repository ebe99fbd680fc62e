"""Hostile directory text stays literal: tui.text.safe / safe_rich / safe_text / fit."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.markup import render
from textual.content import Content

from models.text import clean
from test_tui_support import HOSTILE_NAMES
from tui.text import fit, safe, safe_rich, safe_text

HOSTILE = HOSTILE_NAMES + (
    "[/]", "[", "]", "\\[b]x", "\\", "a\\\\[i]b", "[ b]spaced tag[/ b]", "[on red]bg",
    "\x1b]52;c;ZXZpbA==\x07clipboard", "\x9b31m C1 CSI", "bell\x07", "del\x7f",
    "\u2066isolate\u2069", "\ufeffbom", "\u061carabic mark",
)
ESCAPES = ("\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\u200b", "\u200d", "\u2066", "\ufeff", "\n")


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_is_literal_in_textual_markup(value):
    content = Content.from_markup(safe(value))
    assert content.plain.replace("\u2060", "") == clean(value)
    assert not content.spans  # nothing styled, linked or bound to an action


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_does_not_swallow_the_markup_that_follows(value):
    content = Content.from_markup(safe(value) + "[b]ok[/b]")
    assert content.plain.replace("\u2060", "") == clean(value) + "ok"
    assert [(s.start, s.end) for s in content.spans] == [(len(content.plain) - 2,
                                                          len(content.plain))]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_rich_is_literal_in_rich_markup(value):
    text = render(safe_rich(value) + "[b]ok[/b]")
    assert text.plain == clean(value) + "ok"
    assert [(s.start, s.end) for s in text.spans] == [(len(text.plain) - 2, len(text.plain))]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_terminal_control_reaches_the_screen(value):
    for rendered in (Content.from_markup(safe(value)).plain, safe_text(value).plain,
                     render(safe_rich(value)).plain):
        assert not any(char in rendered for char in ESCAPES), repr(rendered)


def test_escapes_become_visible_placeholders():
    assert safe_text("\x1b[2J").plain == "␛[2J"
    assert safe_text("a\nb").plain == "a␊b"
    assert "\\u202e" in safe_text("invoice\u202etxt.exe").plain
    assert "\\u200b" in safe_text("zero\u200bwidth").plain


def test_safe_text_never_parses_markup_and_keeps_the_style():
    text = safe_text("[link=https://evil.example]click[/link]", "bold")
    assert text.plain == "[link=https://evil.example]click[/link]"
    assert not text.spans and str(text.style) == "bold"


def test_printing_through_rich_emits_no_escape_from_the_value():
    console = Console(record=True, force_terminal=True, width=200, color_system="truecolor")
    for value in HOSTILE:
        console.print(safe_rich(value), safe_text(value))
    output = console.export_text(styles=False)
    assert "\x1b" not in output and "\x07" not in output and "evil.example\x07" not in output


@pytest.mark.parametrize("text, width, expected", [
    ("payroll", 10, "payroll   "),
    ("payroll-sync-worker", 10, "payroll-s…"),
    ("ab", 1, "…"),
    ("abc", 0, ""),
])
def test_fit_pads_or_crops_with_an_ellipsis(text, width, expected):
    assert fit(text, width) == expected


@pytest.mark.parametrize("text", ["日本語の業務アプリ", "🚀🚀🚀 deploy", "mixé 日本 🚀"])
@pytest.mark.parametrize("width", [1, 2, 5, 6, 9, 30])
def test_fit_measures_wide_characters_in_cells(text, width):
    result = fit(text, width)
    assert cell_len(result) == width
    if cell_len(text) > width:
        assert result.rstrip().endswith("…")


def test_a_300_character_name_is_cropped_not_wrapped():
    name = "L" + "o" * 320 + "ng"
    assert fit(safe_text(name).plain, 40) == "L" + "o" * 38 + "…"
    assert safe(name, max_length=50).endswith("…") and len(safe(name, max_length=50)) == 50
