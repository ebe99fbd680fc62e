"""Recordings on disk: round trip, missing data, broken files, no secrets."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from graph.recording import RecordingError, read_recording, write_recording
from models.recording import KIND_BY_NAME, Recording, Unavailable
from models.tenant import TenantData

WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def small_recording() -> Recording:
    rec = Recording(tenant_id="t1", recorded_at=WHEN)
    rec.set_items("v1.0/applications", [{"id": "a1", "appId": "x1", "displayName": "App",
                                         "passwordCredentials": [
                                             {"keyId": "k1", "secretText": "s3cret"}]}])
    rec.set_items("v1.0/servicePrincipals", [{"id": "s1", "appId": "x1"}])
    rec.set_items("v1.0/applications/a1/owners", [
        {"@odata.type": "#microsoft.graph.user", "id": "u1", "userPrincipalName": "u@x"}])
    rec.bodies["v1.0/users/$count"] = 42
    rec.unavailable["signIns"] = Unavailable(403, "Authorization_RequestDenied", "AuditLog.Read.All")
    return rec


def test_round_trip(tmp_path):
    write_recording(small_recording(), tmp_path / "r")
    meta = json.loads((tmp_path / "r" / "recording.json").read_text())
    assert meta == {"format": "wlx-recording/1", "recordedAt": "2026-11-20T09:00:00Z",
                    "tenantId": "t1", "cloud": "global",
                    "unavailable": {"signIns": {"status": 403,
                                                "reason": "Authorization_RequestDenied",
                                                "permission": "AuditLog.Read.All"}}}
    assert (tmp_path / "r" / "v1.0" / "applications" / "a1" / "owners.json").is_file()
    assert json.loads((tmp_path / "r" / "v1.0" / "users" / "$count.json").read_text()) == 42
    back = read_recording(tmp_path / "r")
    assert back.recorded_at == WHEN and back.tenant_id == "t1"
    assert back.items("v1.0/applications/a1/owners")[0]["userPrincipalName"] == "u@x"
    assert back.unavailable["signIns"].permission == "AuditLog.Read.All"
    data = TenantData.from_recording(back)
    assert data.user_count == 42
    assert data.application_owners["a1"][0].kind == "user"
    assert data.has("applications") and data.has("applicationOwners")
    assert not data.has("signIns") and not data.has("directoryAudits")


def test_secret_values_are_never_written(tmp_path):
    write_recording(small_recording(), tmp_path / "r")
    text = (tmp_path / "r" / "v1.0" / "applications.json").read_text()
    assert "s3cret" not in text and "secretText" not in text
    assert "k1" in text


def test_missing_files_mean_unavailable_not_error(tmp_path):
    write_recording(small_recording(), tmp_path / "r")
    (tmp_path / "r" / "v1.0" / "servicePrincipals.json").unlink()
    data = TenantData.from_recording(read_recording(tmp_path / "r"))
    assert data.service_principals == []
    assert not data.has("servicePrincipals")
    assert data.has("applications")


def test_a_broken_data_file_costs_only_that_data(tmp_path):
    write_recording(small_recording(), tmp_path / "r")
    (tmp_path / "r" / "v1.0" / "applications.json").write_text("{not json")
    rec = read_recording(tmp_path / "r")
    assert "v1.0/applications" in rec.unavailable
    assert "unreadable" in rec.unavailable["v1.0/applications"].reason
    assert rec.items("v1.0/servicePrincipals")[0]["id"] == "s1"


@pytest.mark.parametrize("meta, message", [
    (None, "recording.json is missing"),
    ({"format": "wlx-recording/9", "recordedAt": "2026-01-01T00:00:00Z"}, "is not"),
    ({"format": "wlx-recording/1", "recordedAt": "yesterday"}, "recording.json"),
    ("[1, 2]", "recording.json"),
])
def test_not_a_recording(tmp_path, meta, message):
    tmp_path.joinpath("r").mkdir()
    if meta is not None:
        text = meta if isinstance(meta, str) else json.dumps(meta)
        (tmp_path / "r" / "recording.json").write_text(text)
    with pytest.raises(RecordingError, match=message):
        read_recording(tmp_path / "r")


def test_paths_cannot_escape_the_recording(tmp_path):
    rec = Recording(tenant_id="t", recorded_at=WHEN)
    rec.set_items("v1.0/applications/../../../escape", [])
    with pytest.raises(RecordingError):
        write_recording(rec, tmp_path / "r")
    assert not (tmp_path / "escape.json").exists()


def test_relation_kinds_are_known_by_name():
    assert KIND_BY_NAME["applicationOwners"].path_for("a1") == "v1.0/applications/a1/owners"
    assert KIND_BY_NAME["signIns"].beta
