"""The demo scales: a 3,000-identity tenant has the size asked and the default one's shape."""

from __future__ import annotations

from datetime import timedelta

import pytest

from test_demo_support import MICROSOFT, Index, demo, when


def shares(index: Index) -> dict[str, float]:
    """What share of the identities is of each kind, healthy, active, stale..."""
    now = index.rec.recorded_at
    sp_app_ids = {s["appId"] for s in index.sps}
    without_sp = [a for a in index.apps if a["appId"] not in sp_app_ids]
    total = len(index.sps) + len(without_sp)
    tenant = index.rec.tenant_id

    def share(count: int) -> float:
        return count / total

    last = {app_id: index.last_sign_in(app_id) for app_id in index.report}
    expired = sum(1 for o in (*index.apps, *index.sps)
                  if any(when(c["endDateTime"]) < now
                         for c in (*o["passwordCredentials"], *o["keyCredentials"])))
    return {
        "total": total,
        "managed": share(sum(s["servicePrincipalType"] == "ManagedIdentity" for s in index.sps)),
        "external": share(sum(s["appOwnerOrganizationId"] not in (tenant, MICROSOFT, None)
                              for s in index.sps)),
        "legacy": share(sum(s["servicePrincipalType"] == "Legacy" for s in index.sps)),
        "without_sp": share(len(without_sp)),
        "today": share(sum(1 for t in last.values() if t and t > now - timedelta(days=1))),
        "stale": share(sum(1 for t in last.values() if t and t < now - timedelta(days=90))),
        "expired": share(expired),
        "no_owner": sum(1 for a in index.apps if not index.owners(a)) / len(index.apps),
    }


@pytest.fixture(scope="module")
def small() -> dict[str, float]:
    return shares(Index(demo(300, 7)))


@pytest.fixture(scope="module")
def large() -> dict[str, float]:
    return shares(Index(demo(3000, 5)))


def test_the_size_asked_for(small, large):
    assert small["total"] == 300
    assert large["total"] == 3000


@pytest.mark.parametrize("name, tolerance", [
    ("managed", 0.05), ("external", 0.05), ("legacy", 0.01), ("without_sp", 0.02),
    ("today", 0.10), ("stale", 0.08), ("expired", 0.06), ("no_owner", 0.08),
])
def test_proportions_hold_at_ten_times_the_size(small, large, name, tolerance):
    assert abs(small[name] - large[name]) <= tolerance, (name, small[name], large[name])


def test_most_identities_are_healthy(large):
    assert 0.25 <= large["managed"] <= 0.35
    assert 0.10 <= large["external"] <= 0.20
    assert large["today"] >= 0.45
    assert large["stale"] <= 0.20
    assert large["expired"] <= 0.10


def test_logs_grow_slower_than_the_tenant():
    small, large = Index(demo(300, 7)), Index(demo(3000, 5))
    assert len(large.sign_ins) < 12 * len(small.sign_ins)
    assert len(large.audits) < 12 * len(small.audits)
    assert len(large.report) > 9 * len(small.report)  # the reports cover everyone
