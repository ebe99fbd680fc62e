"""Neutralise untrusted directory text before anyone prints it.

Display names, UPNs, notes and audit values come from the directory and may hold ANSI or
OSC escape sequences, other control characters, or bidirectional overrides that reorder
what a terminal shows. `clean()` makes every such character visible and harmless; the UI
additionally escapes Rich markup (tui.text.safe).
"""

from __future__ import annotations

import re

# C0/C1 controls (incl. ESC, which starts ANSI/OSC sequences) and DEL
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# bidi embeddings/overrides/isolates and other invisible format characters
_BIDI = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code == 0x1B:
        return "␛"
    if code < 0x20:
        return chr(0x2400 + code)  # ␀..␟ control pictures
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def clean(text: object, max_length: int | None = None) -> str:
    """Text safe for a terminal: controls and bidi overrides shown as visible escapes."""
    if text is None:
        return ""
    value = str(text)
    if value.isprintable() and value.isascii():
        result = value
    else:
        result = _BIDI.sub(_visible, _CONTROLS.sub(_visible, value))
    if max_length is not None and len(result) > max_length:
        result = result[: max(0, max_length - 1)] + "…"
    return result
