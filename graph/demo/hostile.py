"""Hostile text: display names, notes, a federated subject and an audit actor that would
break a terminal or inject markup if shown unescaped. Directory text is untrusted; the
demo makes sure every screen and report proves it."""

from __future__ import annotations

from datetime import timedelta

from graph.demo import audits, names
from graph.demo.builder import Tenant
from graph.demo.scenarios import GITHUB, internal, secret

ESC, BEL = "\x1b", "\x07"
HOSTILE_NAMES = (
    "[b]x[/b] Reporting",
    "[link=https://evil.example]click[/link] to verify",
    "Closing tags [/] [/b] everywhere",
    f"{ESC}[31mRED ALERT{ESC}[0m Billing",
    f"{ESC}[2J{ESC}[H screen wiper",
    f"{ESC}]8;;https://evil.example{ESC}\\Payroll{ESC}]8;;{ESC}\\ (hyperlink)",
    f"{ESC}]0;pwned{BEL}Title Changer",
    "Invoice \u202egpj.exe",
    "Pay\u200broll\u200d Sync\ufeff",
    "First line\nSecond line",
    "Very long name " + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 6,
    "財務システム連携 🚀📊 経費精算",
    "👩‍💻 Dev Portal 🔥🔥",
)
HOSTILE_NOTES = (f"Owner: [link=https://evil.example]IT desk[/link] {ESC}]0;pwned{BEL}"
                 f"{ESC}[5mcall now{ESC}[0m\nSecond line \u202eeulav")
HOSTILE_SUBJECT = f"repo:{names.GITHUB_ORG}/web:ref:refs/heads/[b]main[/b]{ESC}[2J"
HOSTILE_UPN = f"[red]mallory[/red]{ESC}[5m@{names.DOMAIN}"


def build(t: Tenant) -> None:
    mallory = t.user("Mallory [i]", "Operator\u202e", "Contractor",
                     upn=HOSTILE_UPN)
    for i, name in enumerate(HOSTILE_NAMES):
        work = internal(t, name, 300 + 40 * i, (mallory,) if i % 2 else (t.some_user(),),
                        scenario="hostile-name")
        secret(t, work, t.ago(days=60), t.now + timedelta(days=120))
        assert work.app is not None
        if i == 0:
            work.app["notes"] = HOSTILE_NOTES
            assert work.sp is not None
            work.sp["notes"] = HOSTILE_NOTES
        if i == 1:
            t.federated_credential(work.app, "hostile", GITHUB, HOSTILE_SUBJECT,
                                   f"{ESC}[31mdescription{ESC}[0m [b]bold[/b]")
        if i == 3:
            before = list(work.app["passwordCredentials"])
            added = t.ago(days=5)
            new = t.secret(f"[b]{ESC}[31mnew{ESC}[0m[/b]", added, added + timedelta(days=90))
            work.app["passwordCredentials"].append(new)
            audits.app_credentials(t, added, audits.by_user(mallory, names.ATTACKER_IPS[0]),
                                   work.app, before, [*before, new])
