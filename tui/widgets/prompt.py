"""The two prompts of a view, k9s style: `/` filters live, `:` jumps to a view by alias.

One PromptBar per view, hidden until opened. In filter mode each keystroke posts
`Changed`; enter posts `Submitted` (keep the filter), esc posts `Cancelled` (the screen
clears the filter). In command mode tab completes the alias (the candidates show in the
hint line), up/down walk the history, enter posts `Submitted`. All text the prompt shows
is plain Text: nothing typed or completed is parsed as markup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

FILTER, COMMAND = "filter", "command"
SIGILS = {FILTER: "/", COMMAND: ":"}


class PromptInput(Input):
    """The input line; its keys only act while it has focus, and it takes the focus only
    while the prompt is open (not by tab, not by a screen's auto focus)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.can_focus = False

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, id="prompt_cancel"),
        Binding("tab", "complete", "Complete", show=False, id="prompt_complete"),
        Binding("up", "history(-1)", "Previous", show=False, id="prompt_previous"),
        Binding("down", "history(1)", "Next", show=False, id="prompt_next"),
    ]

    def action_cancel(self) -> None:
        self.parent_bar.cancel()

    def action_complete(self) -> None:
        self.parent_bar.complete()

    def action_history(self, step: int) -> None:
        self.parent_bar.walk_history(step)

    @property
    def parent_bar(self) -> PromptBar:
        return self.query_ancestor(PromptBar)


class PromptBar(Vertical):
    """A one-line prompt with a hint line under it."""

    DEFAULT_CSS = """
    PromptBar {
        height: auto;
        display: none;
        background: $panel;
        &.-open { display: block; }
        Horizontal { height: 1; }
        #sigil { width: 2; padding-left: 1; color: $text-accent; text-style: bold; }
        PromptInput { border: none; height: 1; padding: 0; background: $panel; width: 1fr; }
        PromptInput:focus { border: none; }
        #hint { height: 1; color: $text-muted; padding-left: 2; text-wrap: nowrap;
                text-overflow: ellipsis; }
        #hint.-error { color: $text-error; }
    }
    """

    class Changed(Message):
        def __init__(self, bar: PromptBar, mode: str, value: str) -> None:
            super().__init__()
            self.bar, self.mode, self.value = bar, mode, value

    class Submitted(Message):
        def __init__(self, bar: PromptBar, mode: str, value: str) -> None:
            super().__init__()
            self.bar, self.mode, self.value = bar, mode, value

    class Cancelled(Message):
        def __init__(self, bar: PromptBar, mode: str) -> None:
            super().__init__()
            self.bar, self.mode = bar, mode

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = FILTER
        self.candidates: Callable[[str], Sequence[str]] = lambda text: ()
        self.history: list[str] = []
        self._history_at: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("/", id="sigil")
            yield PromptInput(id="prompt-input", select_on_focus=False)
        yield Static("", id="hint")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, mode: str, value: str = "", *, history: list[str] | None = None,
             candidates: Callable[[str], Sequence[str]] | None = None) -> None:
        self.mode = mode
        self.history = history if history is not None else []
        self._history_at = None
        self.candidates = candidates or (lambda text: ())
        self.query_one("#sigil", Static).update(SIGILS[mode])
        self.add_class("-open")
        field = self.input
        field.can_focus = True
        with field.prevent(Input.Changed):
            field.value = value
        field.cursor_position = len(value)
        self.set_hint("")
        field.focus()

    def close(self) -> None:
        self.remove_class("-open")
        self.input.can_focus = False

    def set_hint(self, text: str, error: bool = False) -> None:
        hint = self.query_one("#hint", Static)
        hint.update(Text(text, no_wrap=True, overflow="ellipsis"))
        hint.set_class(error, "-error")

    def cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled(self, self.mode))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, self.mode, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self.mode == COMMAND and value and (not self.history or self.history[-1] != value):
            self.history.append(value)
        self.close()
        self.post_message(self.Submitted(self, self.mode, value))

    def complete(self) -> None:
        """Tab: complete the first word to the longest common start of the candidates."""
        field = self.input
        word, space, rest = field.value.partition(" ")
        if space:  # the alias is already complete; arguments are free text
            return
        matches = list(self.candidates(word))
        if not matches:
            self.set_hint(f"no view starts with {word!r}", error=True)
            return
        common = os.path.commonprefix(matches)
        completed = matches[0] + " " if len(matches) == 1 else common
        if len(completed) >= len(word):
            field.value = completed
            field.cursor_position = len(completed)
        self.set_hint("  ".join(matches) if len(matches) > 1 else "")

    def walk_history(self, step: int) -> None:
        if self.mode != COMMAND or not self.history:
            return
        at = len(self.history) if self._history_at is None else self._history_at
        at = max(0, min(len(self.history), at + step))
        self._history_at = at
        value = self.history[at] if at < len(self.history) else ""
        field = self.input
        field.value = value
        field.cursor_position = len(value)
