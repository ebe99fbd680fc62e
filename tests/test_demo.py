"""The demo tenant as a recording: deterministic, complete, parseable, written by the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.demo import generate_demo
from graph.recording import read_recording
from models.recording import KIND_BY_NAME, KINDS
from models.tenant import TenantData
from test_demo_support import NOW, Index, demo
from tui.cli import main


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.json")}


def test_same_arguments_same_bytes(tmp_path):
    from graph.recording import write_recording

    write_recording(generate_demo(200, 11, now=NOW), tmp_path / "a")
    write_recording(generate_demo(200, 11, now=NOW), tmp_path / "b")
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert len(first) > 500
    assert first == second


def test_same_bytes_in_another_process_with_another_hash_seed():
    """Set and dict-of-str orders change with PYTHONHASHSEED: none may leak into the output."""
    script = ("import hashlib, json, sys; from datetime import datetime, UTC; "
              "from graph.demo import generate_demo; "
              "r = generate_demo(300, 5, now=datetime(2026, 11, 20, 9, tzinfo=UTC)); "
              "print(hashlib.sha256(json.dumps(r.bodies).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}
                              ).stdout.strip() for seed in ("1", "2")}
    assert len(digests) == 1
    local = hashlib.sha256(json.dumps(generate_demo(300, 5, now=NOW).bodies).encode())
    assert digests == {local.hexdigest()}


def test_another_seed_gives_other_ids_and_the_same_shape():
    one, other = Index(demo(300, 7)), Index(demo(300, 8))
    assert not {s["id"] for s in one.sps} & {s["id"] for s in other.sps}
    assert not {a["appId"] for a in one.apps} & {a["appId"] for a in other.apps}
    # the real, fixed ids stay: Microsoft's apps and permissions, the tenant
    first_party = {s["appId"] for s in one.sps if s["appOwnerOrganizationId"] ==
                   "f8cdef31-a31e-4b4a-93e4-5f571e91255a"}
    assert first_party and first_party <= {s["appId"] for s in other.sps}
    assert one.rec.tenant_id == other.rec.tenant_id
    assert abs(len(one.sps) - len(other.sps)) <= 3


def test_dates_are_relative_to_now():
    later = NOW.replace(year=NOW.year + 1)
    rec, moved = demo(300, 7), generate_demo(300, 7, now=later)
    assert moved.recorded_at == later and rec.recorded_at == NOW
    old = Index(rec).sign_ins[0]["createdDateTime"]
    new = Index(moved).sign_ins[0]["createdDateTime"]
    assert int(new[:4]) == int(old[:4]) + 1 and new[4:] == old[4:]


def test_every_data_kind_and_every_relation_file_is_there():
    rec = demo()
    index = Index(rec)
    for kind in KINDS:
        if not kind.per_object:
            assert kind.path in rec.bodies, kind.name
            continue
        parents = index.apps if kind.parent == "applications" else index.sps
        missing = [p["id"] for p in parents if kind.path_for(p["id"]) not in rec.bodies]
        assert not missing, f"{kind.name}: no file for {missing[:3]}"
        assert rec.has(kind)
    assert isinstance(rec.bodies[KIND_BY_NAME["userCount"].path], int)
    for path, body in rec.bodies.items():
        if path != KIND_BY_NAME["userCount"].path:
            assert set(body) == {"value"} and isinstance(body["value"], list), path


def test_parses_with_our_models_without_a_single_warning():
    rec = demo()
    data = TenantData.from_recording(rec)
    assert data.warnings.count == 0, [str(w) for w in data.warnings.items[:5]]
    index = Index(rec)
    assert len(data.applications) == len(index.apps) and len(data.service_principals) == len(
        index.sps)
    assert data.available == {kind.name for kind in KINDS}
    assert data.organization is not None and data.organization.display_name == "Contoso Demo"
    assert data.user_count and data.user_count > len(index.sps)
    assert sum(len(v) for v in data.federated_credentials.values()) >= 15


def test_no_secret_values_anywhere():
    text = json.dumps(demo().bodies)
    assert "secretText" not in text


def test_sizes_are_checked():
    with pytest.raises(ValueError):
        generate_demo(0, now=NOW)
    with pytest.raises(ValueError):
        generate_demo(100_001, now=NOW)


# -- wlx record --demo --------------------------------------------------------------------
def test_record_demo_writes_every_file_and_reads_back_equal(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["record", str(out), "--demo", "--size", "150", "--seed", "3",
                 "--now", "2026-11-20T09:00:00Z"])
    assert code == 0
    assert "wrote the demo tenant" in capsys.readouterr().out
    expected = generate_demo(150, 3, now=NOW)
    for path in expected.bodies:
        assert (out / f"{path}.json").is_file(), path
    assert (out / "v1.0" / "users" / "$count.json").is_file()
    back = read_recording(out)
    assert back.bodies == expected.bodies
    assert back.meta() == expected.meta()
    assert json.loads((out / "recording.json").read_text())["recordedAt"] == "2026-11-20T09:00:00Z"


def test_record_refuses_a_non_empty_directory(tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["record", str(out), "--demo", "--now", "2026-11-20T09:00:00Z"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    # --force writes alongside a directory that is not a recording, removing nothing
    assert main(["record", str(out), "--demo", "--size", "100", "--force",
                 "--now", "2026-11-20T09:00:00Z"]) == 0
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "recording.json").is_file()


def test_force_replaces_an_earlier_recording_entirely(tmp_path):
    out = tmp_path / "rec"
    assert main(["record", str(out), "--demo", "--size", "400", "--seed", "1",
                 "--now", "2026-11-20T09:00:00Z"]) == 0
    assert main(["record", str(out), "--demo", "--size", "120", "--seed", "2", "--force",
                 "--now", "2026-11-20T09:00:00Z"]) == 0
    assert read_recording(out).bodies == generate_demo(120, 2, now=NOW).bodies


def test_record_rejects_bad_arguments(tmp_path, capsys):
    assert main(["record", str(tmp_path / "a"), "--demo", "--now", "yesterday"]) == 2
    assert "--now" in capsys.readouterr().err
    assert main(["record", str(tmp_path / "b"), "--demo", "--size", "0"]) == 2
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_record_without_demo_says_what_is_missing(tmp_path, capsys):
    assert main(["record", str(tmp_path / "live")]) == 2
    err = capsys.readouterr().err
    assert "--tenant" in err and "--demo" in err
