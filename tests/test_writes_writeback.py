"""Label write-back through the choke point: service principal tags with a `wlx:` prefix
(every other tag kept) and custom security attributes of a configured set (a role few
admins hold, said in the preview); both journalled and undone exactly."""

from __future__ import annotations

import pytest
from test_writes_support import APP_SP, MI, World, sp

from graph.writes import build_preview, operation_for
from models.labels import apply_change

DOC = apply_change(None, {"tier": "ControlPlane", "criticality": "high",
                          "addLabels": ["to-decommission"], "notes": "private note"})


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


async def test_tags_write_back_keeps_other_tags_and_undo_restores_them(world):
    writer = world.writer()
    action = {"action": "write-label-tags", "servicePrincipalId": APP_SP, "document": DOC}
    result = await writer.execute([action])
    assert result.complete, result.summary()
    assert sp(world, APP_SP)["tags"] == ["WindowsAzureActiveDirectoryIntegratedApp",
                                         "wlx:tier:ControlPlane", "wlx:criticality:high",
                                         "wlx:to-decommission"]
    assert "private note" not in str(sp(world, APP_SP))  # free text stays local
    [entry] = world.cache.journal.entries()
    assert entry["prior"]["tags"] == ["WindowsAzureActiveDirectoryIntegratedApp"]
    again = await writer.execute([action])  # nothing to change: nothing sent
    assert again.counts == {"skipped": 1} and len(world.writes) == 1
    await writer.undo(writer.last_undoable(), confirmed=True)
    assert sp(world, APP_SP)["tags"] == ["WindowsAzureActiveDirectoryIntegratedApp"]


async def test_attribute_write_back_needs_the_role_and_undo_clears_it(world):
    action = {"action": "write-label-attributes", "servicePrincipalId": APP_SP,
              "attributeSet": "WorkloadClassification", "document": DOC}
    text = "\n".join(build_preview([operation_for(action)]).lines())
    assert "Attribute Assignment Administrator" in text
    assert "Update-MgServicePrincipal -ServicePrincipalId 'sp-payroll' " \
           "-CustomSecurityAttributes" in text
    writer = world.writer()
    assert (await writer.execute([action])).complete
    read = world.get(f"/v1.0/servicePrincipals/{APP_SP}?$select=customSecurityAttributes")
    values = read.json()["customSecurityAttributes"]["WorkloadClassification"]
    assert values["Tier"] == "ControlPlane" and values["Labels"] == ["to-decommission"]
    assert (await writer.undo(writer.last_undoable(), confirmed=True)).complete
    read = world.get(f"/v1.0/servicePrincipals/{APP_SP}?$select=customSecurityAttributes")
    assert read.json()["customSecurityAttributes"] in (None, {})


async def test_a_managed_identity_gets_no_tags_and_nothing_is_sent(world):
    result = await world.writer().execute([
        {"action": "write-label-tags", "servicePrincipalId": MI, "document": DOC}])
    assert result.counts == {"failed": 1} and "managed identity" in result.failures[0]
    assert world.writes == []
