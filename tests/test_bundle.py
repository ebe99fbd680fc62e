"""The incident bundle of selected demo identities: timelines as JSON and Markdown, and a
redacted recording of just them and their relations that names no one and no address."""

from __future__ import annotations

import json
import re
import stat

from graph.bundle import new_salt, subset_recording, write_bundle
from graph.recording import read_recording
from models.analysis import analyze
from models.bundle import build_bundle, bundle_markdown
from models.tenant import TenantData
from test_search_support import AUTOMATION, CONFIG, MIDNIGHT, NOW, demo

NAME_KEYS = ("displayName", "appDisplayName", "principalDisplayName", "resourceDisplayName",
             "servicePrincipalName", "servicePrincipalDisplayName")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


# names of permissions and of audited properties are Graph's vocabulary, not people
VOCABULARY = ("appRoles", "oauth2PermissionScopes", "modifiedProperties")


def strings(value, key="", parent=""):
    """(key, text) of every string, except the display names of Graph's own vocabulary."""
    if isinstance(value, str):
        if not (parent in VOCABULARY and key == "displayName"):
            yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k, key)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key, parent)


def chosen():
    d = demo(7)
    return d, [d.named(MIDNIGHT), d.named(AUTOMATION)]


def test_bundle_json_and_markdown_hold_each_identity_with_its_timeline():
    d, identities = chosen()
    bundle = json.loads(json.dumps(build_bundle(identities, NOW, tenant_id=d.analysis.tenant_id,
                                                tenant_name=d.analysis.tenant_name,
                                                note="INC-4711")))
    assert [e["identity"]["displayName"] for e in bundle["identities"]] == [MIDNIGHT, AUTOMATION]
    midnight = bundle["identities"][0]
    types = {e["type"] for e in midnight["timeline"]}
    assert {"sign-in", "credential", "permission", "identity"} <= types
    times = [e["time"] for e in midnight["timeline"] if e.get("time") and not e.get("future")]
    assert times == sorted(times, reverse=True)
    assert any(e["ref"]["kind"] == "audit" and "added key" in e.get("detail", "")
               for e in midnight["timeline"])
    assert {f["rule"] for f in midnight["findings"]} >= {"privileged-permission", "owner-lower-tier"}
    assert any(p["value"] == "full_access_as_app" for p in midnight["permissions"])
    text = bundle_markdown(bundle)
    assert "# Incident bundle: Contoso Demo" in text and "INC-4711" in text
    assert f"## {MIDNIGHT}" in text and "### Timeline (" in text
    assert "| time (UTC) | type | what | detail |" in text


def test_redacted_recording_has_just_the_identities_and_no_names_or_addresses(tmp_path):
    d, identities = chosen()
    rec = d.recording
    files = write_bundle(tmp_path / "bundle", build_bundle(
        identities, NOW, tenant_id=rec.tenant_id), rec, identities, salt=new_salt())
    for path in (files.json, files.markdown):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # what the subset holds before redaction: every name, UPN and IP in it must be gone
    subset = subset_recording(rec, {i.application_id for i in identities},
                              {i.service_principal_id for i in identities})
    originals = set()
    for body in subset.bodies.values():
        for key, text in strings(body):
            if key in NAME_KEYS or key in ("userPrincipalName", "mail", "ipAddress"):
                originals.add(text)
            originals.update(_IP.findall(text))
    originals = {o for o in originals if len(o) >= 4}
    assert {MIDNIGHT, AUTOMATION, "203.0.113.77"} <= originals
    assert any("@contoso.com" in o for o in originals)
    written = "\n".join(p.read_text() for p in files.recording.rglob("*.json"))
    leaked = sorted(o for o in originals if o in written)
    assert leaked == [], leaked
    assert "contoso.com" not in written.lower()
    # the hand-off opens in wlx: the same identities, sign-ins and audit events by id
    again = read_recording(files.recording)
    analysis = analyze(TenantData.from_recording(again), CONFIG, NOW)
    ids = {i.id for i in analysis.identities}
    assert {i.id for i in identities} <= ids
    assert len(ids) <= 2 + 5  # the two, and the few resource service principals they use
    for original in identities:
        copy = analysis.identity(original.id)
        assert copy.display_name != original.display_name
        assert copy.tier == original.tier
        assert [c.key_id for c in copy.credentials] == [c.key_id for c in original.credentials]
        assert {e.id for e in copy.audit_events} == {e.id for e in original.audit_events}
        assert len(copy.sign_ins) == len(original.sign_ins)
    sign_ins = again.items("beta/auditLogs/signIns")
    assert {s["servicePrincipalId"] for s in sign_ins} <= {i.service_principal_id for i in identities}
    assert len(again.items("v1.0/servicePrincipals")) < len(rec.items("v1.0/servicePrincipals")) / 10


def test_without_a_recording_only_json_and_markdown(tmp_path):
    d, identities = chosen()
    files = write_bundle(tmp_path / "b", build_bundle(identities[:1], NOW, tenant_id="t"), None,
                         identities[:1], salt="x")
    assert files.recording is None and not (tmp_path / "b" / "recording").exists()
    assert json.loads(files.json.read_text())["identities"][0]["identity"]["displayName"] == MIDNIGHT


def test_hostile_names_stay_inert_in_the_markdown():
    d = demo(7)
    hostile = [i for i in d.analysis.identities
               if any(c in i.display_name for c in ("\x1b", "\u202e", "[b]", "[red]"))]
    assert len(hostile) >= 2
    text = bundle_markdown(build_bundle(hostile, NOW, tenant_id=d.analysis.tenant_id))
    assert "\x1b" not in text and "\u202e" not in text
    assert "[b]" not in text and "[red]" not in text  # escaped: \[b\]
    assert all(ord(c) >= 32 or c == "\n" for c in text)
