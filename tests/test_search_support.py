"""Shared helpers of the triage tests (search, timeline, presets, diff, bundle, queue): the
demo tenant analysed the real way, once per seed, and lookups by display name."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from graph.demo import TRUSTED_GITHUB_ORGS, generate_demo
from models.analysis import Analysis, analyze
from models.config import AnalysisConfig
from models.identity import WorkloadIdentity
from models.recording import Recording
from models.tenant import TenantData

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CONFIG = AnalysisConfig(trusted_github_orgs=list(TRUSTED_GITHUB_ORGS))
# scenario identities of the demo tenant (graph/demo/incidents.py, scenarios.py)
MIDNIGHT = "Test App (legacy)"
LEGACY = "Exchange Journaling Connector (2014)"
EXCHANGE = "Office 365 Exchange Online"
AUTOMATION = "Identity Automation"
RISKY = "Marketing Automation Hub"
DISMISSED = "Partner Portal Sync"
PAYROLL = "Payroll Export Job"


@dataclass
class Demo:
    recording: Recording
    data: TenantData
    analysis: Analysis

    def named(self, name: str) -> WorkloadIdentity:
        found = [i for i in self.analysis.identities if i.display_name == name]
        assert len(found) == 1, f"{name}: {len(found)} identities"
        return found[0]

    def name_of(self, identity_id: str) -> str:
        identity = self.analysis.identity(identity_id)
        assert identity is not None, identity_id
        return identity.display_name


@functools.lru_cache(maxsize=4)
def demo(seed: int = 7, size: int = 300) -> Demo:
    """Generated and analysed once per (seed, size) for the session; treat as read-only."""
    recording = generate_demo(size, seed, now=NOW)
    data = TenantData.from_recording(recording)
    return Demo(recording, data, analyze(data, CONFIG, NOW, recording=recording))
