"""The plan format `wlx-plan/1`: exactly the actions and fields of issue 6, read strictly
(unknown actions or fields, ids that could change a URL, duplicates: refused with the
reason), written back the same."""

from __future__ import annotations

import json

import pytest

from models.plan import ACTION_NAMES, PLAN_FORMAT, PlanError, load_plan, make_plan, parse_action

EXAMPLES = {
    "disable-service-principal": {"servicePrincipalId": "sp-1"},
    "enable-service-principal": {"servicePrincipalId": "sp-1"},
    "remove-credential": {"objectType": "application", "objectId": "app-1", "keyId": "k-1"},
    "remove-federated-credential": {"applicationId": "app-1", "federatedCredentialId": "f-1"},
    "remove-app-role-assignment": {"servicePrincipalId": "sp-1",
                                   "appRoleAssignmentId": "6SJ9YvxZkE-rwmOYa1ACCkBKWo"},
    "remove-delegated-grant": {"grantId": "g-1"},
    "remove-owner": {"objectType": "servicePrincipal", "objectId": "sp-1", "ownerId": "u-1"},
    "delete-application": {"applicationId": "app-1"},
    "restore-application": {"applicationId": "app-1"},
    "set-label": {"identityId": "sp-1", "label": "to-decommission"},
}


def plan_text(actions, **extra):
    return json.dumps({"format": PLAN_FORMAT, "tenantId": "t-1", "actions": actions, **extra})


def test_every_action_of_the_issue_round_trips_with_its_fields():
    assert set(ACTION_NAMES) == set(EXAMPLES)
    actions = [{"action": name, **fields} for name, fields in EXAMPLES.items()]
    plan = load_plan(plan_text(actions, description="Q4 clean-up"))
    assert plan.tenant_id == "t-1" and plan.description == "Q4 clean-up"
    assert [a.to_json() for a in plan.actions] == actions
    again = load_plan(plan.dumps())
    assert again.to_json() == plan.to_json()
    assert json.loads(plan.dumps())["format"] == "wlx-plan/1"


@pytest.mark.parametrize("action, words", [
    ({"action": "nuke-tenant"}, ["unknown action 'nuke-tenant'", "disable-service-principal"]),
    ({"action": "remove-credential", "objectType": "group", "objectId": "a", "keyId": "k"},
     ["objectType", "'application' or 'servicePrincipal'"]),
    ({"action": "delete-application"}, ["applicationId: missing"]),
    ({"action": "delete-application", "applicationId": "a", "force": True},
     ["force: not a field of this action"]),
    ({"action": "remove-owner", "objectType": "application", "objectId": "a/../b",
      "ownerId": "o"}, ["objectId 'a/../b' is not a Graph object id"]),
    ({"action": "remove-delegated-grant", "grantId": "g?$filter=x"}, ["not a Graph object id"]),
    ({"action": "set-label", "identityId": "sp", "label": "accepted-risk:someday"},
     ["accepted-risk needs a date"]),
    ({"action": "set-label", "identityId": "sp", "label": {"tier": "Tier0"}},
     ["tier 'Tier0': one of ControlPlane"]),
    ("disable everything", ["an action is a JSON object"]),
])
def test_a_bad_action_is_refused_naming_its_number_and_field(action, words):
    with pytest.raises(PlanError) as caught:
        load_plan(plan_text([{"action": "restore-application", "applicationId": "a"}, action]))
    message = str(caught.value)
    assert message.startswith("action 2: ")
    for word in words:
        assert word in message


@pytest.mark.parametrize("text, words", [
    ("not json", "not JSON"), ("[]", "a plan is a JSON object"),
    (json.dumps({"format": "wlx-plan/2", "tenantId": "t", "actions": []}), "'wlx-plan/2'"),
    (json.dumps({"format": PLAN_FORMAT, "actions": []}), "tenantId is missing"),
    (json.dumps({"format": PLAN_FORMAT, "tenantId": "t", "actions": {}}), "must be a list"),
])
def test_a_bad_plan_says_what_is_wrong(text, words):
    with pytest.raises(PlanError, match=words):
        load_plan(text)


def test_the_same_change_twice_is_refused():
    twice = [{"action": "delete-application", "applicationId": "a"}] * 2
    with pytest.raises(PlanError, match="action 2 repeats action 1"):
        load_plan(plan_text(twice))
    labels = [{"action": "set-label", "identityId": "a", "label": "x"},
              {"action": "set-label", "identityId": "a", "label": "y"}]
    assert len(load_plan(plan_text(labels)).actions) == 2


def test_make_plan_builds_from_action_objects():
    action = parse_action({"action": "disable-service-principal", "servicePrincipalId": "s"})
    plan = make_plan("t-1", [action], createdBy="jane@contoso.com")
    assert plan.to_json() == {"format": PLAN_FORMAT, "tenantId": "t-1",
                              "actions": [action.to_json()], "createdBy": "jane@contoso.com"}
    assert action.key() == "disable-service-principal:s" and action.object_ids() == ["s"]
