"""Themes: Textual's built-in ones (textual-dark is the default; ansi-dark and ansi-light
keep the terminal's own colours), plus a high-contrast theme, which Textual 8 lacks.

High contrast: pure black and white, saturated signal colours, no translucent text, for
projectors, bright rooms and low vision. Severity and tier also carry symbols, so no
theme depends on colour alone.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="wlx-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#00ffff",
    warning="#ffaf00",
    error="#ff3030",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    boost="#303030",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#d0d0d0",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#808000",
        "block-cursor-blurred-foreground": "#000000",
        "footer-key-foreground": "#ffff00",
        "border": "#ffffff",
        "input-selection-background": "#0000ff",
    },
)

WLX_THEMES = (HIGH_CONTRAST,)
DEFAULT_THEME = "textual-dark"
