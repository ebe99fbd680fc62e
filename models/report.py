"""`wlx report` output: the analysis as JSON (issue 4's shape), CSV (one finding a row) or
Markdown a person reads. Pure text building; the command line does the I/O.

Directory strings are untrusted: CSV and Markdown pass them through `models.text.clean`,
Markdown also escapes its own syntax (and defangs URLs) so that a display name cannot add
links or formatting, and CSV defuses spreadsheet formulas. JSON escapes every non-ASCII
and control character itself.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from models.analysis import Analysis
from models.finding import SEVERITIES, Finding, severity_rank
from models.findings import RULE_BY_ID, RULES
from models.identity import WorkloadIdentity
from models.labels import accepted_until, label_terms, parse_document
from models.text import clean
from models.tiers import TIERS

FORMATS = ("json", "csv", "md")
# what can start emphasis, code, links, images, HTML, entities or table cells mid-line
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|&~"})
_URL = re.compile(r"(?i)(://|\bwww\.)")


def iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def worst_severity(findings: list[Finding]) -> str | None:
    return max(findings, key=lambda f: severity_rank(f.severity)).severity if findings else None


def fails(findings: list[Finding], threshold: str) -> bool:
    """True when a finding at or above `threshold` exists (for --fail-on)."""
    return any(severity_rank(f.severity) >= severity_rank(threshold) for f in findings)


def _identity_json(identity: WorkloadIdentity | None, identity_id: str,
                   labels: Mapping[str, Any]) -> dict[str, Any]:
    if identity is None:
        out = {"id": identity_id, "appId": None, "displayName": None, "kind": None,
               "tier": None}
    else:
        out = {"id": identity.id, "appId": identity.app_id,
               "displayName": identity.display_name, "kind": identity.kind,
               "tier": identity.tier}
    shown = _labels_json(labels.get(identity_id))
    if shown:
        out["labels"] = shown
    return out


def _labels_json(doc: Any) -> dict[str, Any]:
    """An admin's label document as the report shows it (a damaged one: nothing)."""
    try:
        return {k: v for k, v in parse_document(doc).to_json().items() if k not in ("by", "at")}
    except ValueError:
        return {}


def _accepted(doc: Any, as_of: datetime) -> str | None:
    """The date until which the admin accepted this identity's risk, if still running."""
    until = accepted_until(doc) if doc else None
    return until.isoformat() if until is not None and until >= as_of.date() else None


def _label_terms_text(doc: Any) -> str:
    return "; ".join(label_terms(doc)) if doc else ""


def to_json(analysis: Analysis, labels: Mapping[str, Any] | None = None) -> str:
    labels = labels or {}
    by_id = {i.id: i for i in analysis.identities}
    head = {
        "tenant": {"id": analysis.tenant_id, "displayName": analysis.tenant_name},
        "asOf": iso(analysis.as_of),
        "identities": len(analysis.identities),
        "overview": analysis.overview.model_dump(mode="json", by_alias=True),
    }
    # one finding a line: readable, and json's C encoder (indent= falls back to Python).
    # A line is the text json.dumps gives the finding's dict, built from its parts: an
    # identity with many findings is encoded once
    identities: dict[str, str] = {}
    lines = []
    for f in analysis.findings:
        identity = identities.get(f.identity_id)
        if identity is None:
            identity = identities[f.identity_id] = json.dumps(
                _identity_json(by_id.get(f.identity_id), f.identity_id, labels))
        accepted = _accepted(labels.get(f.identity_id), analysis.as_of)
        extra = f', "acceptedRiskUntil": "{accepted}"' if accepted else ""
        lines.append(f'  {{"rule": {_string(f.rule)}, "severity": {_string(f.severity)}, '
                     f'"summary": {_string(f.summary)}, "identity": {identity}, '
                     f'"evidence": {json.dumps(f.evidence)}{extra}}}')
    findings = ",\n".join(lines)
    text = json.dumps(head, indent=1, ensure_ascii=True)
    return text[:-2] + ',\n "findings": [\n' + findings + ("\n ]\n}\n" if findings else " ]\n}\n")


def _string(value: str) -> str:
    """A string as json.dumps writes it (ensure_ascii), without an encoder per call."""
    return encode_basestring_ascii(value) if type(value) is str else json.dumps(value)


# -- CSV -------------------------------------------------------------------------------
CSV_COLUMNS = ("severity", "rule", "identity_id", "app_id", "display_name", "kind", "tier",
               "summary", "evidence", "finding_id", "labels")


def _cell(value: Any) -> str:
    text = clean(value)
    # a leading = + - @ (or tab / CR) makes a spreadsheet evaluate the cell: keep it text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# what json.dumps(evidence, ensure_ascii=False, sort_keys=True) uses, made once
_EVIDENCE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def to_csv(analysis: Analysis, labels: Mapping[str, Any] | None = None) -> str:
    labels = labels or {}
    by_id = {i.id: i for i in analysis.identities}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    identity_cells: dict[str, list[str]] = {}  # an identity with many findings: once
    for f in analysis.findings:
        cells = identity_cells.get(f.identity_id)
        if cells is None:
            identity = by_id.get(f.identity_id)
            cells = identity_cells[f.identity_id] = [_cell(v) for v in (
                f.identity_id, identity.app_id if identity else "",
                identity.display_name if identity else "", identity.kind if identity else "",
                identity.tier if identity else "")]
        writer.writerow([_cell(f.severity), _cell(f.rule), *cells, _cell(f.summary),
                         _cell(_EVIDENCE_JSON.encode(f.evidence)), _cell(f.id),
                         _cell(_label_terms_text(labels.get(f.identity_id)))])
    return out.getvalue()


# -- Markdown --------------------------------------------------------------------------
def md(value: Any, limit: int | None = 200) -> str:
    """Untrusted text as inert Markdown: visible controls, escaped syntax, defanged URLs."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if limit == 200 and type(value) is str:
        return _md_text(value)  # evidence repeats its keys and many values
    return _inert(clean(value, limit))


@functools.lru_cache(maxsize=1 << 16)
def _md_text(text: str) -> str:
    return _inert(clean(text, 200))


def _inert(text: str) -> str:
    text = text.translate(_MD_ESCAPES)
    if "://" in text or "www." in text.lower():  # most text has no URL: no regex for it
        # defang URLs, so that no Markdown renderer turns them into links
        text = _URL.sub(lambda m: "\\[:\\]//" if m.group(1) == "://"
                        else m.group(1)[:3] + "\\[.\\]", text)
    return text


def _share(share: Any) -> str:
    if share.count is None or share.share is None:
        return "unknown (" + (share.note or "no data") + ")"
    text = f"{share.count} of {share.total} ({share.share * 100:.1f}%)"
    return text + (f"; note: {share.note}" if share.note else "")


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(md(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{md(k)}: {_plain(v)}" for k, v in value.items()
                         if v not in (None, [], {}))
    return md(value)


def _evidence_lines(evidence: dict[str, Any], indent: str = "  ") -> list[str]:
    """Simple values on one line; lists of objects (permissions, detections...) one a line."""
    simple, nested = [], []
    for key, value in evidence.items():
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, list) and isinstance(value[0], dict):
            nested.append((key, value))
        else:
            simple.append(f"{md(key)}: {_plain(value)}")
    lines = [f"{indent}- " + "; ".join(simple)] if simple else []
    for key, items in nested:
        lines.append(f"{indent}- {md(key)}:")
        lines += [f"{indent}  - {_plain(item)}" for item in items[:10]]
        if len(items) > 10:
            lines.append(f"{indent}  - … and {len(items) - 10} more")
    return lines


def to_markdown(analysis: Analysis, labels: Mapping[str, Any] | None = None) -> str:
    labels = labels or {}
    overview = analysis.overview
    by_id = {i.id: i for i in analysis.identities}
    counts = ", ".join(f"{n} {s}" for s, n in overview.findings_by_severity.items())
    lines = [
        f"# Workload identity report: {md(analysis.tenant_name or analysis.tenant_id)}",
        "",
        f"Tenant {md(analysis.tenant_id)}, as of {analysis.as_of:%Y-%m-%d %H:%M} UTC: "
        f"{len(analysis.identities)} workload identities, {len(analysis.findings)} findings"
        + (f" ({counts})" if counts else "") + ".",
        "", "## Overview", "",
        "| Kind | Identities | " + " | ".join(TIERS) + " |",
        "|---|---:|" + "---:|" * len(TIERS),
    ]
    for kind, count in overview.by_kind.items():
        row = overview.by_kind_and_tier.get(kind, {})
        lines.append(f"| {kind} | {count} | " + " | ".join(str(row.get(t, 0)) for t in TIERS) + " |")
    lines.append(f"| **all** | **{overview.identities}** | "
                 + " | ".join(f"**{overview.by_tier.get(t, 0)}**" for t in TIERS) + " |")
    creds = overview.credentials
    types = ", ".join(f"{n} {t}" for t, n in creds.by_type.items()) or "none"
    lines += [
        "",
        f"- Inactive ({analysis.config.stale_days} days): {_share(overview.inactive)}",
        f"- Application permissions on resources never called in the sign-in data: "
        f"{_share(overview.unused_permissions)}",
        "- Users per workload identity: " + (
            f"{overview.users_per_identity} ({overview.user_count} users)"
            if overview.users_per_identity is not None else "unknown (no user count)"),
        f"- Credentials: {creds.total} ({types}); {creds.expired} expired, {creds.expiring} "
        f"expiring within {analysis.config.expiring_days} days; {creds.on_service_principal} on "
        f"service principal objects; {creds.azure_managed} managed by Azure (not counted)",
    ]
    if analysis.unavailable:
        lines += ["", "## Data not available", "",
                  "Findings that need this data were not checked; grant the permission to include them.", ""]
        for item in analysis.unavailable:
            status = f"{item.status} " if item.status else ""
            lines.append(f"- **{md(item.kind)}** ({md(item.unlocks)}): {status}{md(item.reason)}; "
                         f"grant **{md(item.permission)}**")
    if analysis.warnings:
        lines += ["", "## Warnings", ""] + [f"- {md(w, 400)}" for w in analysis.warnings]
    lines += ["", "## Findings", ""]
    if not analysis.findings:
        lines.append("No findings.")
    by_severity = Counter(f.severity for f in analysis.findings)
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in analysis.findings:
        grouped.setdefault((f.severity, f.rule), []).append(f)
    for severity in SEVERITIES:
        if not by_severity[severity]:
            continue
        lines += [f"### {severity.capitalize()} ({by_severity[severity]})", ""]
        for rule in RULES:
            of_rule = grouped.get((severity, rule.id))
            if not of_rule:
                continue
            lines += [f"#### {rule.id}: {RULE_BY_ID[rule.id].title} ({len(of_rule)})", ""]
            for f in of_rule:
                identity = by_id.get(f.identity_id)
                name = md(identity.display_name if identity else f.identity_id, 80) or "(no name)"
                detail = (f"{identity.kind}, {identity.tier}, id {md(identity.id)}"
                          if identity else md(f.identity_id))
                lines.append(f"- **{name}** ({detail}): {md(f.summary, 400)}")
                doc = labels.get(f.identity_id)
                accepted = _accepted(doc, analysis.as_of)
                if accepted:
                    lines.append(f"  - **risk accepted until {accepted}**")
                if _label_terms_text(doc):
                    lines.append(f"  - labels: {md(_label_terms_text(doc), 400)}")
                lines += _evidence_lines(f.evidence)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render(analysis: Analysis, fmt: str, labels: Mapping[str, Any] | None = None) -> str:
    """The report; `labels` are the admins' label documents by identity id (cache)."""
    if fmt == "json":
        return to_json(analysis, labels)
    if fmt == "csv":
        return to_csv(analysis, labels)
    if fmt == "md":
        return to_markdown(analysis, labels)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
