"""The finding rules, one module per family, and the registry that runs them.

A rule whose data is missing does not run (no verdict without evidence); the analysis
says which rules were skipped and which permission would let them run.
"""

from __future__ import annotations

from models.finding import Finding, severity_rank
from models.findings import activity, credentials, federated, privilege
from models.findings.base import Rule, RuleContext
from models.recording import KIND_BY_NAME

RULES: tuple[Rule, ...] = privilege.RULES + credentials.RULES + federated.RULES + activity.RULES
RULE_BY_ID = {rule.id: rule for rule in RULES}


def run_rules(rc: RuleContext) -> tuple[list[Finding], list[str]]:
    """Every finding (worst first, then by rule and identity) and the rules that could not run."""
    findings: list[Finding] = []
    skipped: list[str] = []
    for rule in RULES:
        missing = rule.missing(rc.available)
        if missing:
            permissions = sorted({KIND_BY_NAME[k].permission for part in missing
                                  for k in part.split(" or ") if k in KIND_BY_NAME})
            skipped.append(f"rule {rule.id} did not run: it needs {', '.join(missing)}"
                           + (f" ({', '.join(permissions)})" if permissions else ""))
            continue
        findings.extend(rule.find(rc))
    order = {rule.id: i for i, rule in enumerate(RULES)}
    findings.sort(key=lambda f: (-severity_rank(f.severity), order[f.rule], f.identity_id))
    return findings, skipped


__all__ = ["RULES", "RULE_BY_ID", "Rule", "RuleContext", "run_rules"]
