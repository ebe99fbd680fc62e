"""The fast paths give what the slow ones give: whole-list parsing against item by item
(results, order and data warnings), the timestamp fast path against the lenient parser,
models built without validation against validated ones, and a report (no details) against
a full analysis."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from graph.demo import generate_demo
from models.activity import ServicePrincipalSignInActivity, SignIn
from models.analysis import analyze
from models.apps import Application, ServicePrincipal
from models.base import collect_warnings, parse_many
from models.config import AnalysisConfig
from models.directory import parse_directory_object
from models.finding import Finding
from models.identity import (
    AppPermission,
    AuditEntry,
    Credential,
    DelegatedGrant,
    DirectoryRole,
    FederatedCredential,
    GroupMembership,
    Owner,
    Principal,
    SignInEntry,
    SignInSummary,
    WorkloadIdentity,
)
from models.nogc import builder
from models.pivots import KeyPivot
from models.recording import Recording
from models.report import render
from models.tenant import TenantData
from tests.test_analysis_support import NOW, Tenant, secret

GOOD_SP = {"id": "sp-1", "appId": "a-1", "displayName": "one", "accountEnabled": True,
           "tags": ["x"], "passwordCredentials": [secret("k-1")],
           "deletedDateTime": "2026-01-02T03:04:05Z"}


def bad_items() -> list:
    """Service principals with every kind of damage, between good ones."""
    naive = dict(GOOD_SP, id="sp-naive", deletedDateTime="2026-01-02T03:04:05")
    empty = dict(GOOD_SP, id="sp-empty", deletedDateTime="")
    broken = dict(GOOD_SP, id="sp-broken", deletedDateTime="soon", accountEnabled="maybe")
    bad_list = dict(GOOD_SP, id="sp-list", tags=["ok", 3, None],
                    passwordCredentials=[1, secret("k-2"), {"keyId": "k-3", "endDateTime": "x"}])
    return [GOOD_SP, naive, "not an object", empty, GOOD_SP, broken, None, bad_list, GOOD_SP]


def one_by_one(model, items: list) -> tuple[list, list[str], int]:
    """What parse_many used to do: each item on its own, the tolerant way."""
    with collect_warnings() as warnings:
        parsed = []
        for item in items:
            if isinstance(item, dict):
                parsed.append(model.model_validate(item))
            else:
                parse_many(model, [item])  # warns "(item)" as the loop did
    return parsed, [str(w) for w in warnings.items], warnings.count


def test_a_list_with_bad_items_parses_as_item_by_item():
    items = bad_items()
    expected, expected_warnings, expected_count = one_by_one(ServicePrincipal, copy.deepcopy(items))
    with collect_warnings() as warnings:
        parsed = parse_many(ServicePrincipal, items)
    assert parsed == expected
    assert [sp.id for sp in parsed] == ["sp-1", "sp-naive", "sp-empty", "sp-1", "sp-broken",
                                        "sp-list", "sp-1"]
    assert [str(w) for w in warnings.items] == expected_warnings
    assert warnings.count == expected_count >= 7
    assert items == bad_items()  # the caller's data is not modified


def test_timestamps_take_the_fast_path_only_when_well_formed():
    with collect_warnings() as warnings:
        [good, naive, empty, _, broken, list_fixed, _] = parse_many(
            ServicePrincipal, [i for i in bad_items() if isinstance(i, dict)])
    assert good.deleted_date_time == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert naive.deleted_date_time == good.deleted_date_time  # no offset: UTC, no warning
    assert empty.deleted_date_time is None and broken.deleted_date_time is None
    assert [c.key_id for c in list_fixed.password_credentials] == ["k-2", "k-3"]
    assert list_fixed.password_credentials[1].end_date_time is None
    texts = [str(w) for w in warnings.items]
    assert sum("'soon'" in t for t in texts) == 1 and not any("03:04:05'" in t for t in texts)


def test_every_good_list_gives_the_same_models_as_the_tolerant_path():
    rec = generate_demo(size=300, now=NOW)
    for path, model in (("v1.0/servicePrincipals", ServicePrincipal),
                        ("v1.0/applications", Application), ("beta/auditLogs/signIns", SignIn),
                        ("beta/reports/servicePrincipalSignInActivities",
                         ServicePrincipalSignInActivity)):
        items = rec.items(path)
        assert parse_many(model, items) == [model.model_validate(item) for item in items]


def test_relations_parse_per_owner_with_the_bad_ones_repaired():
    t = Tenant()
    good_app = t.app("good", owners=[{"@odata.type": "#microsoft.graph.user", "id": "u1",
                                      "userPrincipalName": "a@x"}])["applicationId"]
    bad_owners = ["junk", {"@odata.type": "#microsoft.graph.user", "id": "u2",
                           "accountEnabled": "maybe"}, {"@odata.type": "#microsoft.graph.group",
                                                     "id": "g1", "groupTypes": "x"}]
    bad_app = t.app("bad", owners=bad_owners)["applicationId"]
    with collect_warnings() as warnings:
        expected = [parse_directory_object(o) for o in copy.deepcopy(bad_owners)
                    if isinstance(o, dict)]
    data = t.data()
    assert data.application_owners[bad_app] == expected
    assert [o.kind for o in data.application_owners[bad_app]] == ["user", "group"]
    assert data.application_owners[good_app][0].user_principal_name == "a@x"
    assert warnings.count == 2
    assert data.warnings.count == warnings.count + 1  # and the "junk" item


NOW_VALUES = {
    Credential: dict(key_id="k", type="secret", start=NOW, status="valid", days_left=3),
    Owner: dict(id="o", kind="user", name="n", upn=None, of="application"),
    SignInSummary: dict(last_sign_in=NOW, last_by_type={"any": NOW}, available=["signIns"]),
    Finding: dict(id="f", rule="r", severity="low", identity_id="i", summary="s",
                  evidence={"a": [1]}),
    AppPermission: dict(assignment_id="a", resource_id="r", value="User.Read.All"),
    DelegatedGrant: dict(grant_id="g", resource_id="r", consent_type="AllPrincipals"),
    DirectoryRole: dict(role_definition_id="d", name="Global Administrator"),
    Principal: dict(id="p", kind="user", owns=["i"]),
    FederatedCredential: dict(id="f", issuer="https://x", audiences=["api://a"]),
    GroupMembership: dict(id="g", role_assignable=True),
    SignInEntry: dict(id="s", time=NOW, event_types=["servicePrincipal"]),
    KeyPivot: dict(identity_id="i", kind="secret", ips={"1.2.3.4": 1}),
    AuditEntry: dict(id="a", activity="Add owner", owners_added=["u"]),
    WorkloadIdentity: dict(id="i", kind="app", tags=["t"], raw_application={"id": "x"}),
}


@pytest.mark.parametrize("model", list(NOW_VALUES), ids=lambda m: m.__name__)
def test_a_model_built_without_validation_equals_the_validated_one(model):
    build = builder(model)
    made, validated = build(**NOW_VALUES[model]), model(**NOW_VALUES[model])
    assert made == validated
    assert made.model_dump_json() == validated.model_dump_json()
    assert list(made.__dict__) == list(validated.__dict__)  # the declared order
    assert model.model_validate_json(made.model_dump_json()) == made
    other = build(**NOW_VALUES[model])
    for name, value in made.__dict__.items():  # no default shared between two objects
        if isinstance(value, (list, dict)) and name not in NOW_VALUES[model]:
            assert value is not other.__dict__[name]
    with pytest.raises(TypeError):
        build(**NOW_VALUES[model], no_such_field=1)


def test_a_model_built_without_validation_still_takes_assignments():
    owner = builder(Owner)(id="o")
    owner.of = "both"
    assert owner.of == "both" and "of" in owner.model_fields_set
    assert owner.model_copy(update={"tier": "ControlPlane"}).tier == "ControlPlane"
    with pytest.raises(TypeError):
        builder(Owner)(kind="user")  # id is required


@pytest.fixture(scope="module")
def demo() -> Recording:
    return generate_demo(size=300, now=NOW)


def test_a_report_finds_what_a_full_analysis_finds(demo):
    config = AnalysisConfig(trusted_github_orgs=("contoso",))
    full = analyze(TenantData.from_recording(demo), config, NOW, recording=demo)
    report = analyze(TenantData.from_recording(demo), config, NOW, detail=False)
    for fmt in ("json", "csv", "md"):
        assert render(report, fmt) == render(full, fmt)
    assert [i.tier for i in report.identities] == [i.tier for i in full.identities]


def test_every_identity_of_a_full_analysis_survives_a_json_round_trip(demo):
    analysis = analyze(TenantData.from_recording(demo), AnalysisConfig(), NOW, recording=demo)
    for identity in analysis.identities:
        again = WorkloadIdentity.model_validate_json(identity.model_dump_json())
        assert again == identity, identity.id
    for principal in analysis.principals.values():
        assert Principal.model_validate_json(principal.model_dump_json()) == principal
    assert json.loads(analysis.pivots.model_dump_json())["key_ids"]


def test_the_clock_of_now_does_not_change_a_finding(demo):
    data = TenantData.from_recording(demo)
    in_utc = analyze(data, AnalysisConfig(), NOW, detail=False)
    elsewhere = NOW.astimezone(timezone(timedelta(hours=2)))
    shifted = analyze(TenantData.from_recording(demo), AnalysisConfig(), elsewhere, detail=False)
    assert [f.model_dump() for f in shifted.findings] == [f.model_dump() for f in in_utc.findings]
    assert in_utc.as_of is NOW and shifted.as_of is elsewhere


def test_markdown_escaping_in_one_pass_matches_escaping_then_defanging():
    import random
    import re

    from models.report import md
    from models.text import clean

    special = re.compile(r"([\\`*_\[\]<>|&~])")
    url = re.compile(r"(?i)(://|\bwww\.)")

    def two_passes(text: str) -> str:
        escaped = special.sub(r"\\\1", clean(text, 200))
        return url.sub(lambda m: "\\[:\\]//" if m.group(1) == "://" else m.group(1)[:3]
                       + "\\[.\\]", escaped)

    rng = random.Random(4)
    alphabet = "aw.W:/_*[]<>|&~`\\ x\x1b\u202e"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert md(text) == two_passes(text), text
