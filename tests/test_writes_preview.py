"""What the admin confirms: the preview (targets, requests, PowerShell, what cannot be
undone, neutralised names), what must be typed, that the choke point itself checks it,
and where read-only or writable comes from."""

from __future__ import annotations

import pytest
from test_writes_support import APP, APP_SP, BULK, MI, SECRET, World, tenant

from graph.writes import Context, WriteMode, WriteRefused, build_preview, confirmation_for, \
    operation_for, write_mode
from models import plan as p
from models.identity import Credential, WorkloadIdentity

HOSTILE = "[b]evil[/b] \x1b]8;;http://x\x1b\\link \u202egnp.exe"


def ops(*actions):
    return [operation_for(a) for a in actions]


def test_one_reversible_change_needs_a_plain_confirmation_and_labels_none():
    assert confirmation_for(ops(p.DisableServicePrincipal(servicePrincipalId="s"))) is None
    labels = [p.SetLabel(identityId=f"s{i}", label="x") for i in range(3)]
    assert confirmation_for(ops(*labels)) is None


def test_several_changes_need_their_count_and_a_delete_needs_the_name():
    three = ops(*[p.DisableServicePrincipal(servicePrincipalId=s) for s in BULK[:3]],
                p.SetLabel(identityId="s", label="x"))
    needed = confirmation_for(three)
    assert needed.text == "3" and "Type 3 to confirm" in needed.prompt
    assert needed.matches(" 3 ") and not needed.matches("4") and not needed.matches(None)
    delete = ops(p.DeleteApplication(applicationId=APP))
    named = confirmation_for(delete, {APP: "Payroll export"})
    assert named.text == "Payroll export" and named.matches("payroll EXPORT")
    # a name nobody can type (escape codes, bidi overrides) asks for the id instead
    assert confirmation_for(delete, {APP: HOSTILE}).text == APP
    assert confirmation_for(delete).text == APP


async def test_the_choke_point_checks_the_typed_confirmation_itself(tmp_path):
    world = World(tmp_path)
    writer = world.writer()
    actions = [p.DisableServicePrincipal(servicePrincipalId=s) for s in BULK[:3]]
    for typed in (None, "2", "three"):
        with pytest.raises(WriteRefused, match="type '3' to confirm"):
            await writer.execute(actions, typed=typed)
    assert world.writes == [] and world.cache.journal.entries() == []
    assert (await writer.execute(actions, typed="3")).complete
    world.close()


def test_the_preview_names_targets_neutralises_them_and_says_what_is_lost():
    context = Context.from_recording(tenant())
    context = Context({**context.names, APP: HOSTILE}, context.credential_types, context.kinds)
    preview = build_preview(ops(
        p.RemoveCredential(objectType="application", objectId=APP, keyId=SECRET),
        p.DisableServicePrincipal(servicePrincipalId=MI)), context,
        WriteMode.read_only())
    text = "\n".join(preview.lines())
    assert "\x1b" not in text and "\u202e" not in text and "␛" in text
    assert text.startswith("REFUSED: read-only")
    assert "1 of these cannot be fully undone" in text
    assert f'POST /v1.0/applications/{APP}/removePassword  {{"keyId": "{SECRET}"}}' in text
    assert "if it is a certificate" not in text  # the snapshot says it is a secret
    assert "NOT POSSIBLE: managed identities are managed by Azure" in text
    assert preview.items[1].blocked and preview.confirmation.text == "2"


def test_context_from_identities_names_every_object_and_credential():
    identity = WorkloadIdentity(id=APP_SP, kind="app", application_id=APP,
                                service_principal_id=APP_SP, display_name="Payroll export",
                                credentials=[Credential(key_id="k1", type="certificate")])
    context = Context.from_identities([identity])
    assert context.names == {APP_SP: "Payroll export", APP: "Payroll export"}
    assert context.credential_types == {"k1": "certificate"}
    op = operation_for(p.RemoveCredential(objectType="application", objectId=APP, keyId="k1"))
    assert [r.method for r in op.planned(context.hint(op))] == ["PATCH"]


def test_write_mode_comes_from_the_flag_or_the_tenants_config_setting():
    tenant_id = "11111111-2222-3333-4444-555555555555"
    assert write_mode(True).enabled and "--write" in write_mode(True).reason
    config = {"tenants": {tenant_id: {"write": True}}}
    assert write_mode(False, config, tenant_id).enabled
    assert not write_mode(False, config, "another-tenant").enabled
    assert not write_mode(False, {"tenants": {tenant_id: {"write": "yes"}}}, tenant_id).enabled
    off = write_mode(False, {}, tenant_id)
    assert not off.enabled and "--write" in off.reason and "write = true" in off.reason
