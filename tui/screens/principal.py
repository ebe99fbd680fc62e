"""A user (or group, or a service principal outside the identities) seen as an owner,
audit actor or role holder: its tier and why, its directory roles, the identities it
owns and the ones it changed. Enter opens a role's holders or an identity.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from models.identity import Principal
from models.text import clean
from tui.pivot_rows import PivotData, PivotRow, find_principal, principal_rows
from tui.screens.links import Location
from tui.screens.pivot import PivotRowsScreen
from tui.screens.row_list import TABLE_CSS, lookup
from tui.widgets.badges import tier_label, tier_tone
from tui.widgets.identity_header import TONE_STYLES
from tui.widgets.table_model import RowSet


def principal_lines(principal: Principal | None, target: str) -> list[Content]:
    if principal is None:
        return [Content.assemble((clean(target), "bold"), "  not seen as an owner, actor or "
                                 "role holder in this snapshot")]
    name = principal.display_name or principal.upn or principal.id
    first = Content.assemble((clean(name), "bold"), (f"  {principal.kind}", "italic"),
                             (f"  {clean(principal.upn)}" if principal.upn and
                              principal.upn != name else "", ""))
    tone = TONE_STYLES.get(tier_tone(principal.tier) or "muted", "")
    if principal.tier_known:
        reasons = principal.tier_reasons
        reason = reasons[0] if reasons else None
        what = (f"{reason.value} ({reason.resource})" if reason and reason.resource
                else reason.value if reason else "")
        why = f"{what}: {reason.why}" if reason else "no admin role: user access"
    else:
        why = "unknown: the role data was not available"
    tier = Content.assemble(("tier         ", "bold"), (tier_label(principal.tier), tone),
                            " · ", clean(why))
    ids = Content.assemble(("ids          ", "bold"), (f"object {clean(principal.id)}",
                                                     TONE_STYLES["muted"]))
    return [first, tier, ids]


class PrincipalScreen(PivotRowsScreen):
    """Roles, owned identities and changes of one principal."""

    DEFAULT_CSS = TABLE_CSS.format(name="PrincipalScreen") + """
    PrincipalScreen #principal-header { height: auto; padding: 0 1; background: $boost;
                                        text-wrap: nowrap; text-overflow: ellipsis; }
    """
    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.principal: Principal | None = None
        self.view_title = "Principal"

    def compose_body(self) -> ComposeResult:
        yield Static(Content.styled("loading…", "italic"), id="principal-header")
        yield from super().compose_body()

    def build_rows(self, index: RowSet) -> list[PivotRow]:
        data = PivotData(self.wlx.source, lookup(index))
        principal = find_principal(data, self.location.target)
        rows = principal_rows(data, principal, self.location.target)
        self.app.call_from_thread(self.show_principal, principal)
        return rows

    def show_principal(self, principal: Principal | None) -> None:
        self.principal = principal
        name = (principal.display_name or principal.upn) if principal else None
        self.view_title = clean(name or self.location.target, 60)
        header = self.query_one("#principal-header", Static)
        header.update(Content("\n").join(principal_lines(principal, self.location.target)))
        self.update_title()

    def empty_text(self) -> str:
        return ("nothing matches the filter" if self.rows
                else "no role, no owned identity and no change on record")

    def copy_extra(self, row: Any) -> list[Any]:
        from tui.dialogs.copy_menu import CopyChoice

        p = self.principal
        extra = [CopyChoice("", "Principal ID", p.id if p else self.location.target)]
        if p is not None and p.upn:
            extra.append(CopyChoice("", "UPN", p.upn))
        return extra
