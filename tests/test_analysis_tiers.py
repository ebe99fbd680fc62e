"""Tiers: matched on ids never names, scope-aware roles, eligible roles, custom roles,
group-inherited roles, what the table lacks, and admin overrides."""

from __future__ import annotations

import json

from test_analysis_support import (
    APP_ADMIN,
    APP_DEVELOPER,
    GLOBAL_ADMIN,
    GRAPH,
    MAIL_READ,
    ROLE_MANAGEMENT_RW,
    SHAREPOINT,
    USER_READ_ALL,
    USER_RW_ALL,
    Tenant,
    identity,
    user,
)

from models.tiers import TierOverride, actions_tier, app_permission_tier, builtin_role, table


def test_same_permission_name_differs_by_resource():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph", {USER_RW_ALL: "User.ReadWrite.All"})
    sharepoint = t.resource(SHAREPOINT, "Office 365 SharePoint Online",
                            {USER_RW_ALL: "User.ReadWrite.All"})
    on_graph, on_sharepoint = t.app("Directory sync"), t.app("Profile sync")
    t.grant_app_role(on_graph["spId"], graph, USER_RW_ALL)
    t.grant_app_role(on_sharepoint["spId"], sharepoint, USER_RW_ALL)
    analysis = t.analyze()
    first, second = identity(analysis, on_graph["spId"]), identity(analysis, on_sharepoint["spId"])
    assert first.tier == "ControlPlane" and second.tier == "ManagementPlane"
    assert first.app_permissions[0].value == second.app_permissions[0].value == "User.ReadWrite.All"
    reason = first.tier_reasons[0]
    assert (reason.source, reason.resource, reason.value) == (
        "applicationPermission", "Microsoft Graph", "User.ReadWrite.All")


def test_highest_tier_wins_and_only_its_items_are_the_reasons():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    ids = t.app("Mailer")
    for role in (USER_READ_ALL, MAIL_READ):
        t.grant_app_role(ids["spId"], graph, role)
    found = identity(t.analyze(), ids["spId"])
    assert found.tier == "ManagementPlane"
    assert [r.value for r in found.tier_reasons] == ["Mail.Read"]  # value from the table
    assert {p.value: p.tier for p in found.app_permissions} == {
        "User.Read.All": "UserAccess", "Mail.Read": "ManagementPlane"}


def test_delegated_scopes_are_classified_per_resource_and_consent():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    ids = t.app("Helpdesk portal")
    t.delegated(ids["spId"], graph, "User.Read openid RoleManagement.ReadWrite.Directory",
                consent="Principal", principal="b0000000-0000-4000-8000-000000000001")
    found = identity(t.analyze(), ids["spId"])
    grant = found.delegated_grants[0]
    assert {s.value: s.tier for s in grant.scopes} == {
        "User.Read": "UserAccess", "openid": "UserAccess",
        "RoleManagement.ReadWrite.Directory": "ControlPlane"}
    assert grant.tier == found.tier == "ControlPlane"
    assert "granted for one user" in found.tier_reasons[0].why


def test_directory_roles_active_and_eligible():
    t = Tenant()
    active, eligible = t.app("Automation"), t.app("Break glass")
    t.role(active["spId"], APP_DEVELOPER)
    t.role(eligible["spId"], GLOBAL_ADMIN, eligible=True, end=30)
    analysis = t.analyze()
    first, second = identity(analysis, active["spId"]), identity(analysis, eligible["spId"])
    assert first.tier == "ManagementPlane"
    assert first.directory_roles[0].name == "Application Developer"
    assert second.tier == "ControlPlane"
    role = second.directory_roles[0]
    assert (role.state, role.name, role.scope_kind) == ("eligible", "Global Administrator", "tenant")
    assert role.eligibility_end is not None
    assert second.tier_reasons[0].source == "eligibleDirectoryRole"


def test_app_management_role_scoped_to_one_app_takes_that_apps_weight():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    ordinary, privileged = t.app("Team wiki"), t.app("Tier-0 automation")
    t.grant_app_role(privileged["spId"], graph, ROLE_MANAGEMENT_RW)
    over_ordinary, over_privileged, tenant_wide = t.app("A"), t.app("B"), t.app("C")
    t.role(over_ordinary["spId"], APP_ADMIN, scope="/" + ordinary["applicationId"])
    t.role(over_privileged["spId"], APP_ADMIN, scope="/" + privileged["applicationId"])
    t.role(tenant_wide["spId"], APP_ADMIN)
    analysis = t.analyze()
    a = identity(analysis, over_ordinary["spId"])
    assert a.tier == "ManagementPlane"
    assert (a.directory_roles[0].scope_kind, a.directory_roles[0].scope_name) == (
        "application", "Team wiki")
    assert "non-privileged" in a.directory_roles[0].why
    assert identity(analysis, over_privileged["spId"]).tier == "ControlPlane"
    assert identity(analysis, tenant_wide["spId"]).tier == "ControlPlane"


def test_scoped_roles_settle_through_a_chain():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    top, middle, bottom = t.app("Top"), t.app("Middle"), t.app("Bottom")
    t.grant_app_role(top["spId"], graph, ROLE_MANAGEMENT_RW)
    t.role(middle["spId"], APP_ADMIN, scope="/" + top["spId"])  # scoped to the SP object
    t.role(bottom["spId"], APP_ADMIN, scope="/" + middle["applicationId"])
    analysis = t.analyze()
    assert identity(analysis, middle["spId"]).directory_roles[0].scope_kind == "servicePrincipal"
    assert identity(analysis, middle["spId"]).tier == "ControlPlane"
    assert identity(analysis, bottom["spId"]).tier == "ControlPlane"


def test_custom_role_is_classified_by_its_actions():
    t = Tenant()
    custom = "c0570000-0000-4000-8000-000000000001"
    t.role_definition(custom, "App credential rotator",
                      ["microsoft.directory/applications/credentials/update",
                       "microsoft.directory/applications/basic/update"], built_in=False)
    reader = "c0570000-0000-4000-8000-000000000002"
    t.role_definition(reader, "Custom reader", ["microsoft.directory/applications/standard/read"],
                      built_in=False)
    rotator, reading = t.app("Rotator"), t.app("Reader")
    t.role(rotator["spId"], custom)
    t.role(reading["spId"], reader)
    analysis = t.analyze()
    role = identity(analysis, rotator["spId"]).directory_roles[0]
    assert (role.custom, role.name, role.tier) == (True, "App credential rotator", "ControlPlane")
    assert "applications/credentials/update" in role.why
    assert identity(analysis, reading["spId"]).tier != "ControlPlane"


def test_custom_role_actions_limited_to_own_objects_do_not_count():
    tier, why = actions_tier([("microsoft.directory/applications/credentials/update",
                               "$ResourceIsSelf")])
    assert tier == "Unclassified" and "no classified action" in why
    tier, _ = actions_tier([("microsoft.directory/applications.myOrganization/credentials/update",
                             None)])
    assert tier == "ControlPlane"
    tier, why = actions_tier([("microsoft.directory/applications/allProperties/update", None)])
    assert tier == "ControlPlane" and "every task" in why
    tier, why = actions_tier([("microsoft.directory/madeUp/thing/update", None)])
    assert tier == "Unclassified" and "madeUp" in why


def test_role_held_by_a_group_reaches_its_members():
    t = Tenant()
    member = t.app("Group member")
    group = "9c000000-0000-4000-8000-000000000001"
    t.member_of(member["spId"], group, "Tier-0 ops", role_assignable=True)
    t.role(group, GLOBAL_ADMIN)
    analysis = t.analyze()
    found = identity(analysis, member["spId"])
    assert found.tier == "ControlPlane"
    assert found.directory_roles[0].via_group_name == "Tier-0 ops"
    assert found.groups[0].role_assignable
    assert analysis.principals[group].kind == "group"
    assert analysis.principals[group].tier == "ControlPlane"


def test_what_the_table_lacks_is_said_not_guessed():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    api = t.service_principal("Contoso Orders API", owner_org=t.tenant_id, appRoles=[
        {"id": "0d000000-0000-4000-8000-000000000001", "value": "Orders.ReadWrite",
         "allowedMemberTypes": ["Application"]}])
    ids = t.app("Order worker")
    t.grant_app_role(ids["spId"], graph, "0e000000-0000-4000-8000-00000000000f")
    t.grant_app_role(ids["spId"], api, "0d000000-0000-4000-8000-000000000001")
    found = identity(t.analyze(), ids["spId"])
    whys = {p.value: (p.tier, p.why) for p in found.app_permissions}
    assert whys["Orders.ReadWrite"] == ("Unclassified",
                                        "unclassified: permission of a non-Microsoft API")
    assert whys["0e000000-0000-4000-8000-00000000000f"][1] == (
        "unclassified: a Microsoft API permission the EAM table lacks")
    assert found.tier == "Unclassified"


def test_admin_override_wins_and_is_shown_as_such():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    ids = t.app("Payments")
    t.grant_app_role(ids["spId"], graph, USER_READ_ALL)
    override = TierOverride(tier="ControlPlane", reason="moves money", by="sec@contoso.test",
                            at="2026-11-01T00:00:00Z")
    found = identity(t.analyze(overrides={ids["spId"]: override}), ids["spId"])
    assert (found.tier, found.computed_tier, found.tier_overridden) == (
        "ControlPlane", "UserAccess", True)
    assert found.tier_reasons[0].source == "override"
    assert found.tier_reasons[0].value == "moves money"
    assert "sec@contoso.test" in found.tier_reasons[0].why


def test_users_get_their_tier_from_roles_and_user_access_otherwise():
    t = Tenant()
    admin = user("root@contoso.test", "d0000000-0000-4000-8000-000000000001")
    plain = user("joe@contoso.test", "d0000000-0000-4000-8000-000000000002")
    t.app("Owned app", owners=[admin, plain])
    t.role(admin["id"], GLOBAL_ADMIN)
    analysis = t.analyze()
    assert analysis.principals[admin["id"]].tier == "ControlPlane"
    assert analysis.principals[plain["id"]].tier == "UserAccess"
    assert analysis.principals[plain["id"]].tier_known
    unknown = t.analyze(omit=("roleAssignments",))
    assert not unknown.principals[plain["id"]].tier_known


def test_role_seen_only_in_member_of_still_counts():
    t = Tenant()
    ids = t.app("Old admin app")
    t._rel("memberOf", ids["spId"]).append({
        "@odata.type": "#microsoft.graph.directoryRole", "id": "e0000000-0000-4000-8000-000000000001",
        "displayName": "Global Administrator", "roleTemplateId": GLOBAL_ADMIN})
    found = identity(t.analyze(omit=("roleAssignments",)), ids["spId"])
    assert found.tier == "ControlPlane" and found.directory_roles[0].source == "memberOf"


def test_table_is_compact_and_matches_ids():
    assert table().source["repository"].endswith("AzurePrivilegedIAM")
    assert app_permission_tier(GRAPH, ROLE_MANAGEMENT_RW, True)[0] == "ControlPlane"
    assert app_permission_tier(GRAPH.upper(), ROLE_MANAGEMENT_RW.upper(), True)[0] == "ControlPlane"
    assert builtin_role(GLOBAL_ADMIN)[:2] == ("ControlPlane", "Global Administrator")
    # the manual overrides of the classification are applied
    assert builtin_role("d29b2b05-8046-44ba-8758-1e26182fcf32")[0] == "ControlPlane"


def test_derive_tool_builds_the_table_from_the_classification_files(tmp_path):
    import importlib.util
    from pathlib import Path

    source = Path(__file__).parent / "data" / "analysis" / "classification"
    spec = importlib.util.spec_from_file_location(
        "derive_tiers", Path(__file__).parent.parent / "tools" / "derive_tiers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "tiers.json"
    assert module.main(["derive_tiers", str(source), str(out)]) == 0
    derived = json.loads(out.read_text())
    assert derived["appRoles"][GRAPH][ROLE_MANAGEMENT_RW] == [0, "RoleManagement.ReadWrite.Directory"]
    assert derived["scopes"][GRAPH]["User.Read"] == 2
    assert derived["directoryRoles"]["d29b2b05-8046-44ba-8758-1e26182fcf32"][0] == 0  # overridden
    assert derived["roleActions"]["microsoft.directory/applications/credentials/update"] == 0
    assert derived["source"]["commit"] == "f14538fd3a19497fa30f980d35e3456a202d01d4"
