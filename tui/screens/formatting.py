"""Small text helpers shared by the detail tabs and the tenant-wide views: times, relative
ages, finding evidence as readable lines. Plain strings: the table widget cleans them and
never parses markup, and previews build `rich.text.Text` from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from models.text import clean


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def day(value: Any) -> str:
    """2026-11-20 (or "" when unknown)."""
    when = parse_time(value)
    return f"{when:%Y-%m-%d}" if when else ""


def minute(value: Any) -> str:
    """2026-11-20 07:51 UTC times, as the sign-in logs show them."""
    when = parse_time(value)
    return f"{when:%Y-%m-%d %H:%M}" if when else ""


def relative(value: Any, now: datetime) -> str:
    """"in 12d", "257d ago", "today"; "" when unknown."""
    when = parse_time(value)
    if when is None:
        return ""
    days = (when - now).days if when >= now else -((now - when).days)
    if days == 0:
        return "today"
    return f"in {days}d" if days > 0 else f"{-days}d ago"


def day_and_age(value: Any, now: datetime) -> str:
    """"2027-05-11 (in 172d)"."""
    text = day(value)
    return f"{text} ({relative(value, now)})" if text else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return clean(value, 200)


def _item(value: Any) -> str:
    """One list item of evidence: a permission, a secret, a detection..."""
    if isinstance(value, Mapping):
        main = value.get("value") or value.get("displayName") or value.get("name") \
            or value.get("keyId") or value.get("type") or value.get("id")
        rest = [f"{k} {_scalar(v)}" for k, v in value.items()
                if v not in (None, "", [], {}) and v is not main and k not in ("why",)]
        head = _scalar(main) if main is not None else ""
        return (head + (" (" + ", ".join(rest) + ")" if rest else "")).strip()
    return _scalar(value)


def evidence_lines(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) lines for a finding's evidence; lists become one line per item."""
    lines: list[tuple[str, str]] = []
    based_on = evidence.get("basedOn")
    for key, value in evidence.items():
        if key == "basedOn":
            continue
        if isinstance(value, list):
            if not value:
                lines.append((key, "none"))
            for item in value:
                lines.append((key, _item(item)))
        elif isinstance(value, Mapping):
            lines.append((key, ", ".join(f"{k} {_scalar(v)}" for k, v in value.items()
                                         if v not in (None, "", [], {}))))
        else:
            lines.append((key, _scalar(value)))
    if based_on:
        lines.append(("based on", ", ".join(str(b) for b in based_on)))
    return lines


def evidence_text(evidence: Mapping[str, Any], limit: int = 3) -> str:
    """The first few evidence values on one line, for a table column."""
    parts = [f"{label} {text}" for label, text in evidence_lines(evidence)
             if label != "based on"][:limit]
    return "; ".join(parts)
