"""The top of the identity detail screen: name, kind, tier and why, enabled, the facts of
its kind (who manages its credentials, tenant boundary, token lifetime, what it is tied
to), and its ids. Every line is cropped, never wrapped, so the height is fixed; a short
terminal gets the compact form (facts left out).

All directory text is cleaned (models.text.clean) and drawn as Content, never parsed as
markup; colours are theme variables.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

from models.text import clean
from tui.screens.formatting import day
from tui.widgets.badges import kind_label, severity_label, tier_label, tier_tone

TONE_STYLES = {  # badge tones as theme variables, so every theme (high contrast too) works
    "error": "bold $text-error", "warning": "bold $text-warning", "primary": "$text-primary",
    "accent": "$text-accent", "success": "$text-success", "muted": "$text-muted",
}


def _label(text: str) -> tuple[str, str]:
    return (f"{text:<12} ", "bold")


def _plain(value: Any) -> str:
    """Directory text: cleaned (no escapes, no control characters) and never markup."""
    return clean(value, 400)


def _why(identity: Any) -> str:
    if identity.tier_overridden and identity.tier_override is not None:
        o = identity.tier_override
        by = f" by {o.by}" if o.by else ""
        return (f"override{by}: {o.reason or 'no reason given'} (permissions and roles "
                f"alone give {identity.computed_tier})")
    reasons = identity.tier_reasons
    if not reasons:
        return "no permission or role that raises its tier"
    first = reasons[0]
    more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
    what = f"{first.value} ({first.resource})" if first.resource else first.value
    return f"{what}: {first.why}{more}"


def header_lines(identity: Any, compact: bool) -> list[Content]:
    """The lines of the header for a models.identity.WorkloadIdentity."""
    first: list[Any] = [(_plain(identity.display_name or "(no name)"), "bold"),
                        (f"  {kind_label(identity.kind)}", "italic")]
    if identity.enabled is False:
        first.append(("  ⏻ disabled", TONE_STYLES["warning"]))
    elif identity.enabled:
        first.append(("  enabled", TONE_STYLES["muted"]))
    if identity.risk is not None and identity.risk.level not in (None, "none"):
        first.append((f"  risk {severity_label(identity.risk.level)} "
                      f"({_plain(identity.risk.state)})", TONE_STYLES["error"]))
    tone = TONE_STYLES.get(tier_tone(identity.tier) or "muted", "")
    tier: list[Any] = [_label("tier"), (tier_label(identity.tier), "bold " + tone)]
    if identity.tier_overridden:
        tier.append((" (override)", "bold"))
    tier += [" · ", _plain(_why(identity))]
    lines = [Content.assemble(*first), Content.assemble(*tier)]
    facts = identity.facts
    if not compact:
        for label, value in (("credentials", facts.credential_management),
                             ("boundary", facts.tenant_boundary),
                             ("tokens", facts.token_lifetime), ("tied to", facts.tied_to)):
            if value:
                lines.append(Content.assemble(_label(label), _plain(value)))
    parts = [("object", identity.id), ("app", identity.app_id),
             ("application", identity.application_id if identity.application_id
              not in (None, identity.id) else None),
             ("created", day(identity.created)), ("publisher", identity.publisher)]
    lines.append(Content.assemble(_label("ids"), (_plain(" · ".join(
        f"{k} {v}" for k, v in parts if v)), TONE_STYLES["muted"])))
    return lines


class IdentityHeader(Static):
    """The identity's header lines; `show(identity)` once the detail has loaded."""

    DEFAULT_CSS = """
    IdentityHeader {
        height: auto;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(Content.styled("loading…", "italic"), id=id)
        self.identity: Any = None

    def show(self, identity: Any) -> None:
        self.identity = identity
        self._draw()

    def on_resize(self) -> None:
        if self.identity is not None:
            self._draw()

    def _draw(self) -> None:
        compact = self.screen.size.height < 30
        self.update(Content("\n").join(header_lines(self.identity, compact)))
