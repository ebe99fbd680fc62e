"""`wlx report` end to end: a recording on disk, through `tui.cli.main`, in each format."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from test_analysis_support import GRAPH, ROLE_MANAGEMENT_RW, Tenant, github_fic, secret, user

from graph.recording import write_recording
from tui.cli import main

HOSTILE = "[link=https://evil.example]click[/link] \x1b[31m*bold* `x` \u202e"
K1 = "5ec7e700-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def recording(tmp_path):
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    legacy = t.app(HOSTILE, owners=[user("ann@contoso.test", "a0000000-0000-4000-8000-000000000001")],
                   secrets=[secret(K1, start=-100, end=20)],
                   fics=[github_fic("f1c00000-0000-4000-8000-000000000001",
                                    "repo:contoso/web:pull_request")])
    t.grant_app_role(legacy["spId"], graph, ROLE_MANAGEMENT_RW)
    t.app("=HYPERLINK(\"http://x\")", owners=[user("bob@contoso.test",
                                                    "a0000000-0000-4000-8000-000000000002")])
    t.credential_activity(K1, legacy["appId"], days=-1)
    t.sign_in_activity(legacy["appId"], days=-1)
    path = tmp_path / "rec"
    write_recording(t.recording(), path)
    return path, legacy


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_issue_shape(recording, capsys):
    path, legacy = recording
    code, out, _ = run(capsys, "--replay", str(path), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["tenant", "asOf", "identities", "overview", "findings"]
    assert doc["tenant"] == {"id": "11111111-1111-1111-1111-111111111111",
                             "displayName": "Contoso Test"}
    assert doc["asOf"] == "2026-11-20T09:00:00Z" and doc["identities"] == 3
    assert doc["overview"]["byKind"] == {"app": 2, "microsoft-app": 1}
    finding = next(f for f in doc["findings"] if f["rule"] == "privileged-permission")
    assert list(finding) == ["rule", "severity", "summary", "identity", "evidence"]
    assert finding["identity"] == {"id": legacy["spId"], "appId": legacy["appId"],
                                   "displayName": HOSTILE, "kind": "app", "tier": "ControlPlane"}
    assert "\x1b" not in out and "\u202e" not in out  # JSON escapes them


def test_now_changes_the_verdicts(recording, capsys):
    path, _ = recording
    _, before, _ = run(capsys, "--replay", str(path), "--format", "json")
    _, after, _ = run(capsys, "--replay", str(path), "--format", "json", "--now",
                      "2026-12-31T00:00:00Z")
    rules_before = {f["rule"] for f in json.loads(before)["findings"]}
    rules_after = {f["rule"] for f in json.loads(after)["findings"]}
    assert "credential-expiring" in rules_before and "credential-expired" not in rules_before
    assert "credential-expired" in rules_after
    assert json.loads(after)["asOf"] == "2026-12-31T00:00:00Z"


def test_csv_is_one_finding_a_row_and_safe(recording, capsys):
    path, _ = recording
    code, out, _ = run(capsys, "--replay", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert list(rows[0]) == ["severity", "rule", "identity_id", "app_id", "display_name", "kind",
                             "tier", "summary", "evidence", "finding_id", "labels"]
    names = {r["display_name"] for r in rows}
    assert "\x1b" not in out and "\u202e" not in out
    assert any(n.startswith("[link=https://evil.example]") and "␛[31m" in n for n in names)
    assert "'=HYPERLINK(\"http://x\")" in names  # no formula for spreadsheets
    assert json.loads(rows[0]["evidence"])["basedOn"]


def test_markdown_reads_well_and_cannot_be_injected(recording, capsys):
    path, _ = recording
    code, out, _ = run(capsys, "--replay", str(path), "--format", "md")
    assert code == 0
    assert out.startswith("# Workload identity report: Contoso Test")
    for heading in ("## Overview", "## Findings", "### High", "#### privileged-permission"):
        assert heading in out
    assert not re.search(r"(?<!\\)\[link=", out)  # every bracket escaped
    assert "https://evil" not in out and "\x1b" not in out
    assert "\\[link=https\\[:\\]//evil.example\\]click\\[/link\\]" in out
    assert "\\*bold\\*" in out and "\\`x\\`" in out and "\\u202e" in out


def test_markdown_names_unavailable_data_and_its_permission(tmp_path, capsys):
    t = Tenant()
    t.app("A")
    write_recording(t.recording(omit=("signIns", "directoryAudits")), tmp_path / "r")
    _, out, _ = run(capsys, "--replay", str(tmp_path / "r"))
    assert "## Data not available" in out
    assert "**signIns**" in out and "grant **AuditLog.Read.All**" in out
    assert "credential-added-by-lower-tier-actor did not run" in out


def test_fail_on(recording, capsys):
    path, _ = recording
    code, _, err = run(capsys, "--replay", str(path), "--format", "json", "--fail-on", "high")
    assert code == 1 and "at or above high" in err
    code, _, _ = run(capsys, "--replay", str(path), "--format", "json", "--fail-on", "high",
                     "--now", "2026-11-20T09:00:00Z", "--trusted-github-org", "contoso")
    assert code == 1  # still ControlPlane permissions
    t = Tenant()
    t.app("Quiet", owners=[user("ann@contoso.test", "a0000000-0000-4000-8000-000000000001")])
    write_recording(t.recording(), path.parent / "quiet")
    code, _, _ = run(capsys, "--replay", str(path.parent / "quiet"), "--fail-on", "medium")
    assert code == 0


def test_trusted_org_flag_and_config_file(recording, capsys, tmp_path):
    path, _ = recording
    _, out, _ = run(capsys, "--replay", str(path), "--format", "json")
    assert "fic-untrusted-github-org" in {f["rule"] for f in json.loads(out)["findings"]}
    _, out, _ = run(capsys, "--replay", str(path), "--format", "json",
                    "--trusted-github-org", "contoso")
    assert "fic-untrusted-github-org" not in {f["rule"] for f in json.loads(out)["findings"]}
    config = tmp_path / "config" / "wlx" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[analysis]\ntrusted_github_orgs = ["contoso"]\nexpiring_days = 5\n')
    _, out, _ = run(capsys, "--replay", str(path), "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "fic-untrusted-github-org" not in rules and "credential-expiring" not in rules


def test_output_file(recording, capsys, tmp_path):
    path, _ = recording
    target = tmp_path / "out" / "report.md"
    code, out, _ = run(capsys, "--replay", str(path), "--output", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("# Workload identity report")


@pytest.mark.parametrize("args, message", [
    (["--replay", "/nonexistent/wlx"], "no such directory"),
    (["--replay", "{tmp}"], "recording.json is missing"),
    (["--replay", "{rec}", "--now", "yesterday"], "not an ISO-8601 time"),
    ([], "--demo, --replay DIR or --tenant T"),
    (["--tenant", "contoso"], "not in the cache"),
    (["--replay", "{rec}", "--config", "{tmp}/missing.toml"], "no such config file"),
    (["--replay", "{rec}", "--stale-days", "0"], "stale_days"),
])
def test_bad_input_exits_2_with_a_message(recording, capsys, tmp_path, args, message):
    path, _ = recording
    (tmp_path / "empty").mkdir()
    args = [a.replace("{tmp}", str(tmp_path / "empty")).replace("{rec}", str(path)) for a in args]
    code, out, err = run(capsys, *args)
    assert code == 2 and message in err and out == ""


def test_a_broken_recording_metadata_is_bad_input(tmp_path, capsys):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "recording.json").write_text('{"format": "something-else"}')
    code, _, err = run(capsys, "--replay", str(tmp_path / "r"))
    assert code == 2 and "wlx-recording/1" in err


def test_a_cached_tenant_reports_with_its_labels(capsys, tmp_path):
    """Labels set in the app (issue 6) and risks accepted in a maintenance session
    (issue 7) show in the report; a tier label overrides the computed tier."""
    from cache import Store
    from models.labels import apply_change
    from tui.source import Source
    from tui.sync import sync

    t = Tenant()
    # a resource as Graph has it: the reader asks resources with app roles who holds them
    graph = t.resource(GRAPH, "Microsoft Graph",
                       roles={ROLE_MANAGEMENT_RW: "RoleManagement.ReadWrite.Directory"})
    legacy_ids = t.app("Legacy", owners=[user("ann@contoso.test",
                                              "a0000000-0000-4000-8000-000000000001")],
                       secrets=[secret(K1, start=-100, end=20)])
    t.grant_app_role(legacy_ids["spId"], graph, ROLE_MANAGEMENT_RW)
    t.app("Healthy", secrets=[secret("5ec7e700-0000-4000-8000-000000000002", start=-10,
                                     end=20)])
    path = tmp_path / "labelled"
    write_recording(t.recording(), path)
    store = Store()
    result = sync(Source("replay", directory=str(path)), store)
    code, out, _ = run(capsys, "--tenant", result.tenant_id, "--format", "json")
    before = json.loads(out)
    legacy = next(f["identity"] for f in before["findings"]
                  if f["rule"] == "privileged-permission")
    assert legacy["tier"] == "ControlPlane" and "labels" not in legacy
    store.tenant(result.tenant_id).labels.set(legacy["id"], apply_change(None, {
        "tier": "UserAccess", "tierReason": "break-glass test app",
        "addLabels": ["to-decommission", "accepted-risk:2099-03-31"]}, by="ann"))
    store.close()

    code, out, _ = run(capsys, "--tenant", result.tenant_id, "--format", "json")
    after = json.loads(out)
    mine = [f for f in after["findings"] if f["identity"]["id"] == legacy["id"]]
    assert mine and all(f["acceptedRiskUntil"] == "2099-03-31" for f in mine)
    assert mine[0]["identity"]["tier"] == "UserAccess"  # the admin's override
    assert mine[0]["identity"]["labels"]["labels"] == ["to-decommission",
                                                        "accepted-risk:2099-03-31"]
    others = [f for f in after["findings"] if f["identity"]["id"] != legacy["id"]]
    assert others and all("acceptedRiskUntil" not in f for f in others)

    code, out, _ = run(capsys, "--tenant", result.tenant_id, "--format", "md")
    assert "risk accepted until 2099-03-31" in out and "to-decommission" in out
    code, out, _ = run(capsys, "--tenant", result.tenant_id, "--format", "csv")
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["identity_id"] == legacy["id"]]
    assert rows and "to-decommission" in rows[0]["labels"]
    assert "tier-override:useraccess" in rows[0]["labels"]
