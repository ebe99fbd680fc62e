"""The analysis entry point: from a tenant's data to identities, tiers, findings, overview
and pivots. Pure: no I/O and no clock (`now` is an argument)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from models.access import Access
from models.config import AnalysisConfig
from models.events import attach_audits, attach_risk, attach_sign_ins
from models.finding import Finding
from models.findings import RuleContext, run_rules
from models.identity import Principal, WorkloadIdentity
from models.join import build_identities, new_context
from models.nogc import paused_gc
from models.overview import Overview, UnavailableKind, build_overview, unavailable_kinds
from models.pivots import Pivots, build_pivots
from models.recording import Recording
from models.tenant import TenantData
from models.tiers import TierOverride


@dataclass
class Analysis:
    tenant_id: str
    tenant_name: str | None
    as_of: datetime
    config: AnalysisConfig
    identities: list[WorkloadIdentity]
    findings: list[Finding]
    overview: Overview
    pivots: Pivots
    principals: dict[str, Principal] = field(default_factory=dict)
    unavailable: list[UnavailableKind] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _by_id: dict[str, WorkloadIdentity] = field(default_factory=dict, repr=False)

    def identity(self, identity_id: str) -> WorkloadIdentity | None:
        if len(self._by_id) != len(self.identities):
            self._by_id = {identity.id: identity for identity in self.identities}
        return self._by_id.get(identity_id)


# the tzinfo pydantic gives a Graph timestamp in UTC (one shared object)
_GRAPH_UTC = TypeAdapter(datetime).validate_python("2000-01-01T00:00:00Z").tzinfo


def on_graph_clock(now: datetime) -> datetime:
    """The same instant, with the tzinfo object of Graph's UTC timestamps: comparing two
    datetimes that share one tzinfo skips two utcoffset() calls (the analysis compares
    every credential and sign-in time with `now`)."""
    if now.tzinfo is not _GRAPH_UTC and now.utcoffset() == timedelta(0):
        return now.replace(tzinfo=_GRAPH_UTC)
    return now


def analyze(data: TenantData, config: AnalysisConfig, now: datetime,
            overrides: Mapping[str, TierOverride] | None = None,
            recording: Recording | None = None, detail: bool = True) -> Analysis:
    """Analyse one tenant as of `now`. `overrides` are admins' tier labels by identity id;
    `recording` (optional) supplies the raw Graph objects for the raw-JSON view. Without
    `detail` (a report), what only the app shows is left out: the per-identity sign-in lists,
    kind facts, tier reasons and owners' tiers, and the pivots; findings and overview are
    the same."""
    as_of, now = now, on_graph_clock(now)
    with paused_gc():
        ctx = new_context(data, config, now, overrides, recording if detail else None, detail)
        build_identities(ctx)
        access = Access(ctx)
        access.build()
        sign_ins = attach_sign_ins(ctx, detail)
        audits = attach_audits(ctx, access.principals)
        attach_risk(ctx)
        for identity in ctx.identities if detail else ():
            for owner in identity.owners:
                principal = access.principals.get(owner.id)
                if principal is not None:
                    owner.tier, owner.tier_known = principal.tier, principal.tier_known
                    owner.why = principal.tier_reasons[0].why if principal.tier_reasons else ""
        logs = [s.created_date_time for s in data.sign_ins if s.created_date_time is not None]
        rc = RuleContext(
            identities=ctx.identities, by_id=ctx.by_id, principals=access.principals,
            audits=audits, config=config, now=now, available=set(data.available),
            app_owners_read=set(data.application_owners), sign_in_logs_since=min(logs, default=None))
        findings, skipped = run_rules(rc)
        for finding in findings:
            ctx.by_id[finding.identity_id].findings.append(finding)
        used: dict[str, set[str]] = {}
        for identity_id, entries in sign_ins.items():
            used[identity_id] = {(s.resource_id or "").lower() for s in entries if s.resource_id}
        unavailable = unavailable_kinds(data)
        overview = build_overview(ctx.identities, findings, data, now, config.stale_days, used,
                                  unavailable)
        pivots = (build_pivots(ctx.identities, access.principals, audits, sign_ins) if detail
                  else Pivots())
    warnings = list(ctx.warnings) + skipped
    if data.warnings.count:
        first = "; ".join(str(w) for w in data.warnings.items[:3])
        warnings.append(f"{data.warnings.count} value(s) in the Graph data could not be used "
                        f"(e.g. {first})")
    if not data.has("roleAssignments"):
        warnings.append("role assignments were not available: users' tiers are unknown, so "
                        "owner-lower-tier and credential-added-by-lower-tier-actor skip users")
    return Analysis(
        tenant_id=data.tenant_id,
        tenant_name=data.organization.display_name if data.organization else None,
        as_of=as_of, config=config, identities=ctx.identities, findings=findings,
        overview=overview, pivots=pivots, principals=access.principals,
        unavailable=unavailable, warnings=warnings)
