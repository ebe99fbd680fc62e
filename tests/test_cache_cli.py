"""`wlx cache list / clear` through the real command line (tui.cli.main) on a temp cache."""

from __future__ import annotations

import io

import pytest

from cache import Store
from test_cache_support import TENANT, Clock, commit_snapshot, make_store
from tui.cli import main


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "wlx"


def two_tenants(root):
    clock = Clock()
    store = make_store(root, clock)
    commit_snapshot(store, "Contoso \x1b[31mLtd[/b]")  # hostile name from the directory
    clock.advance(hours=5)
    commit_snapshot(store, "Contoso \x1b[31mLtd[/b]")
    store.tenant("fabrikam.onmicrosoft.com").labels.set("sp1", {"tier": 0})
    store.close()


def test_list_prints_a_table(cache_root, capsys):
    assert main(["cache", "list"]) == 0
    assert "no tenants cached yet" in capsys.readouterr().out
    two_tenants(cache_root)
    assert main(["cache", "list", "--now", "2026-11-22T17:30:00Z"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"cache: {cache_root}"
    assert lines[1].split() == ["TENANT", "NAME", "LAST", "SYNC", "AGE", "GENERATIONS", "SIZE"]
    row = lines[2]
    assert row.startswith(TENANT)
    assert "Contoso ␛[31mLtd[/b]" in row and "\x1b" not in out
    assert "2026-11-20 14:00 UTC" in row and "2d 3h" in row and " 2 " in row
    assert " KB" in row or " MB" in row
    assert lines[3].startswith("fabrikam.onmicrosoft.com") and "never" in lines[3]


def test_clear_asks_first(cache_root, capsys, monkeypatch):
    two_tenants(cache_root)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["cache", "clear", TENANT]) == 1
    out = capsys.readouterr().out
    assert f"tenant {TENANT}" in out and "labels and the action journal" in out
    assert "nothing deleted" in out
    assert Store(cache_root).has_tenant(TENANT)

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, no answer: keep
    assert main(["cache", "clear", TENANT]) == 1
    assert Store(cache_root).has_tenant(TENANT)

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["cache", "clear", TENANT]) == 0
    assert f"deleted tenant {TENANT}" in capsys.readouterr().out
    assert not Store(cache_root).has_tenant(TENANT)


def test_clear_warns_about_unfinished_actions_and_yes_skips_the_question(cache_root, capsys):
    two_tenants(cache_root)
    Store(cache_root).tenant(TENANT).journal.append({"action": "remove-owner"})
    assert main(["cache", "clear", TENANT.upper(), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "1 unfinished action" in out
    assert [t.tenant_id for t in Store(cache_root).tenants()] == ["fabrikam.onmicrosoft.com"]


def test_clear_all_and_errors(cache_root, capsys):
    two_tenants(cache_root)
    assert main(["cache", "clear"]) == 2
    assert main(["cache", "clear", "nope.example.com"]) == 1
    assert "not in the cache" in capsys.readouterr().err
    assert main(["cache", "clear", "../etc"]) == 2
    assert "not a tenant id" in capsys.readouterr().err
    assert main(["cache", "clear", "--all", "--yes"]) == 0
    assert "deleted 2 tenant(s)" in capsys.readouterr().out
    assert Store(cache_root).tenants() == []


def test_list_shows_what_was_moved_aside_and_notices(cache_root, capsys):
    two_tenants(cache_root)
    meta = cache_root / "tenants" / TENANT / "snapshots" / "000002" / "meta.json"
    meta.write_text("garbage")
    assert main(["cache", "list"]) == 0
    captured = capsys.readouterr()
    assert "moved aside" in captured.out and "1 item(s)" in captured.out
    assert "note: Snapshot 2 of tenant" in captured.err
