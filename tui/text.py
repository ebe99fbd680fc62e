"""Untrusted directory text on its way to the screen.

Every string from the directory (names, UPNs, notes, subjects, audit values) passes one of:
- `safe(value)` where the text lands in markup that Textual parses (`Static("...")`,
  `Label`, `notify`, `Content.from_markup`): control characters, escape sequences and
  bidi overrides become visible placeholders (models.text.clean) and every `[` is
  escaped, so nothing styles, links, hides, moves or runs an action;
- `safe_rich(value)` for markup that Rich parses (`Text.from_markup`, `console.print`):
  `rich.markup.escape` over `clean`. The two parsers treat backslashes differently
  (Textual: only a backslash right before `[` is special; Rich: `\\[` is a backslash and
  a tag), and Textual also reads tags Rich ignores (`[$accent]`), hence two functions;
- `safe_text(value, style)` where a `rich.text.Text` is wanted: cleaned and never parsed
  as markup at all (the table widget and anything building Text or Strips).
`fit(text, width)` crops cleaned text to a number of terminal cells with an ellipsis.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.markup import escape
from rich.style import Style
from rich.text import Text

from models.text import clean


def safe(value: object, max_length: int | None = None) -> str:
    """Text for a Textual markup context: cleaned, every `[` escaped."""
    # Textual reads any unescaped "[" as a tag opener ("[$accent]", "[ b]", "[@click=…]"),
    # and only a backslash right before "[" is special (consumed): a\[b] becomes a\\[b],
    # which shows as a\[b]
    text = clean(value, max_length).replace("[", "\\[")
    # a trailing backslash would escape the caller's next tag (then "[b]" is literal text
    # and "[/b]" unmatched, a MarkupError): a zero-width word joiner keeps them apart
    return text + "\u2060" if text.endswith("\\") else text


def safe_rich(value: object, max_length: int | None = None) -> str:
    """Text for a Rich markup context: cleaned, then `rich.markup.escape`d."""
    # escape() also doubles a trailing backslash, so it cannot escape the markup after it
    return escape(clean(value, max_length))


def safe_text(value: object, style: str | Style | None = None,
              max_length: int | None = None) -> Text:
    """A Text for a Text context: cleaned, never markup-parsed."""
    return Text(clean(value, max_length), style=style or "", no_wrap=True, end="")


def fit(text: str, width: int) -> str:
    """Exactly `width` cells: padded, or cropped with `…` (wide characters measured)."""
    if width <= 0:
        return ""
    if text.isascii():  # the common case, without per-character cell measuring
        if len(text) <= width:
            return text + " " * (width - len(text))
        return text[: width - 1] + "…"
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
