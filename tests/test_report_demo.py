"""`wlx report --demo`: the demo tenant shows every rule at least once, and reads well."""

from __future__ import annotations

import json

import pytest

from models.findings import RULES
from tui.cli import main

NOW = "2026-11-20T09:00:00Z"


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_demo_report_shows_every_rule(capsys):
    assert main(["report", "--demo", "--now", NOW, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    fired = {f["rule"] for f in doc["findings"]}
    assert fired == {rule.id for rule in RULES}
    assert doc["asOf"] == NOW and doc["identities"] >= 300
    assert doc["overview"]["unavailable"] == []
    # the demo's own GitHub org is trusted, the archive org is not
    orgs = {f["evidence"]["org"] for f in doc["findings"] if f["rule"] == "fic-untrusted-github-org"}
    assert orgs and "contoso" not in orgs


def test_demo_markdown_neutralises_hostile_names(capsys):
    assert main(["report", "--demo", "--now", NOW, "--format", "md", "--fail-on", "high"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("# Workload identity report: Contoso Demo")
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "[b]" not in out.replace("\\[b\\]", "")
