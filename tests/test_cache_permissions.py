"""Cache files are readable by their owner only, whatever the umask; the XDG location."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cache import Store, default_root
from test_cache_support import TENANT, commit_snapshot, make_store, modes, sample_recording


def test_every_file_and_directory_is_owner_only_even_with_an_open_umask(tmp_path):
    root = tmp_path / "wlx"
    old = os.umask(0)  # the worst case: everything created would be world-writable
    try:
        store = make_store(root)
        commit_snapshot(store, "first", details=2000, recording=sample_recording(200))
        commit_snapshot(store, "second", details=2000)
        tenant = store.tenant(TENANT)
        tenant.labels.set("sp1", {"tier": 0})
        tenant.journal.append({"action": "disable-service-principal"})
        tenant.state.set("queue", [1, 2])
        store.set_last_tenant(TENANT)
        reader = tenant.current()  # open: sqlite's -wal and -shm files exist now
        reader.detail("id-00001")
        found = modes(root)
    finally:
        os.umask(old)
    names = set(found)
    assert any(n.endswith(".val") for n in names), "value files were written and checked"
    assert any(n.endswith("cache.db-wal") for n in names)
    assert any(n.endswith("cache.db-shm") for n in names)
    for name, mode in found.items():
        path = root / name
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{name}: {oct(mode)}"
    reader.close()


def test_an_existing_wider_root_is_tightened(tmp_path):
    root = tmp_path / "wlx"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    Store(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_root_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_root() == tmp_path / "xdg" / "wlx"
    assert Store().root == tmp_path / "xdg" / "wlx"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_root() == tmp_path / "home" / ".cache" / "wlx"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_root() == Path(tmp_path / "home" / ".cache" / "wlx")


def test_cache_dir_tag_marks_the_root_for_backup_tools(tmp_path):
    Store(tmp_path / "wlx")
    tag = (tmp_path / "wlx" / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
