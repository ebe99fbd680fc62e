"""Severity and tier shown with a symbol as well as a colour, so they read without colour
(monochrome terminals, colour-blind admins, screenshots pasted into tickets).

A tone is a theme colour name the widgets know (`error`, `warning`, `accent`, `muted`,
`primary`, `success`): the actual colour comes from the active Textual theme.
"""

from __future__ import annotations

SEVERITY = {  # worst first: symbol, tone
    "high": ("✖", "error"),
    "medium": ("▲", "warning"),
    "low": ("●", "accent"),
    "info": ("○", "muted"),
}
TIER = {  # highest first: symbol, tone
    "ControlPlane": ("◆", "error"),
    "ManagementPlane": ("◈", "warning"),
    "UserAccess": ("◇", "primary"),
    "Unclassified": ("·", "muted"),
}
TIER_SHORT = {"ControlPlane": "Control", "ManagementPlane": "Management"}  # narrow columns
KIND_LABELS = {  # models.kinds -> what a column shows; `kind:` matches both
    "app": "app",
    "app-without-sp": "app (no SP)",
    "external-app": "external app",
    "microsoft-app": "Microsoft",
    "managed-identity-system": "managed sys",  # "managed", not "MI": kind:mi would
    "managed-identity-user": "managed user",  # also match microsoft-app
    "legacy": "legacy",
}


def severity_symbol(severity: str | None) -> str:
    return SEVERITY.get(severity or "", ("", None))[0]


def severity_tone(severity: str | None) -> str | None:
    return SEVERITY.get(severity or "", ("", None))[1]


def severity_label(severity: str | None) -> str:
    """"✖ high"; unknown severities are shown as they are, empty as ""."""
    if not severity:
        return ""
    symbol = severity_symbol(severity) or "?"
    return f"{symbol} {severity}"


def tier_symbol(tier: str | None) -> str:
    return TIER.get(tier or "", ("?", None))[0]


def tier_tone(tier: str | None) -> str | None:
    return TIER.get(tier or "", ("", "muted"))[1]


def tier_label(tier: str | None, short: bool = False) -> str:
    """"◆ ControlPlane" ("◆ Control" when short)."""
    name = tier or "Unclassified"
    return f"{tier_symbol(tier)} {TIER_SHORT.get(name, name) if short else name}"


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "")


_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITY)}
_TIER_RANK = {name: rank for rank, name in enumerate(TIER)}


def severity_rank_key(severity: str | None) -> int | None:
    """Sorts worst first (high 0 .. info 3); unknown after info, none last (None)."""
    if not severity:
        return None
    return _SEVERITY_RANK.get(severity, len(_SEVERITY_RANK))  # a dict: called 50,000 times


def tier_rank_key(tier: str | None) -> int | None:
    """Sorts highest tier first (ControlPlane 0 .. Unclassified 3)."""
    if not tier:
        return None
    return _TIER_RANK.get(tier, len(_TIER_RANK))
