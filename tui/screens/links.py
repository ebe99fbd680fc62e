"""What a row names and where it leads: links (enter drills down) and targets (what an
action acts on).

A row of any table may name other objects: an owner, a resource, a role, an IP, a
credential keyId. `Link` is one such jump (a label and the Location it opens); enter on
a row with one link opens it, with several it offers a menu. `Target` says what kind of
object a row is (identity, credential, federated-credential, app-permission, ...), for the
row actions of tui/actions.py (issue 6 adds the cleanup actions there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """How to open a view again: its screen and target, the filter, and for an identity the
    tab and the row to put the cursor on.

    screen: list, overview, detail, findings, credentials, pivot, principal (and what
    tui/screens/registry.py has registered); target: a view alias, an identity id, a
    pivot like "ip:203.0.113.7", or a principal id.
    """

    screen: str
    target: str = ""
    filter_text: str = ""
    tab: str = ""  # detail: the tab to show (findings, credentials, ...)
    focus: str = ""  # the row id to put the cursor on (a finding id, a keyId, ...)


@dataclass(frozen=True)
class Link:
    """One object a row names, and the view that shows it."""

    label: str  # "IP 203.0.113.77: everything seen from it"
    location: Location
    key: str = ""  # a letter to choose it in the menu


@dataclass(frozen=True)
class Target:
    """The object a row stands for, for actions (marks apply them to many)."""

    kind: str  # identity, credential, federated-credential, app-permission, delegated-grant,
    # directory-role, group, owner, finding, sign-in, audit-event, risk-detection, principal
    identity_id: str  # the workload identity it belongs to ("" for a principal)
    object_id: str  # the credential keyId, assignment id, owner id, ...
    row: Any = field(default=None, compare=False)


def pivot_target(kind: str, value: str) -> str:
    """A pivot view's target: `ip:1.2.3.4`, `key:<keyId>`, `role:<id>`, `resource:<id>`,
    `actor:<upn or id>`."""
    return f"{kind}:{value}"


def split_pivot(target: str) -> tuple[str, str]:
    kind, _, value = target.partition(":")
    return kind, value
