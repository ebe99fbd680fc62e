"""`wlx permissions`: the exact scopes from models.recording.KINDS, with what each unlocks."""

from __future__ import annotations

import subprocess
import sys

from graph.auth import WRITE_PERMISSIONS, scopes
from models.recording import KINDS
from tui.cli import main


def test_permissions_lists_every_read_scope_with_what_it_unlocks(capsys):
    assert main(["permissions"]) == 0
    out = capsys.readouterr().out
    for kind in KINDS:
        assert kind.permission in out and kind.unlocks in out
    assert "ReadWrite" not in out
    assert ",".join(scopes()) in out


def test_permissions_with_write_adds_the_cleanup_scopes(capsys):
    assert main(["permissions", "--write"]) == 0
    out = capsys.readouterr().out
    for permission, what in WRITE_PERMISSIONS.items():
        assert permission in out and what in out
    assert ",".join(scopes(write=True)) in out


def test_listing_permissions_loads_neither_msgraph_nor_azure_identity():
    code = ("import sys\nfrom tui.cli import main\nmain(['permissions'])\n"
            "print('msgraph' in sys.modules, 'azure.identity' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[-2:] == ["False", "False"]
