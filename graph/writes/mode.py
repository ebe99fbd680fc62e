"""Read-only or writable: the one switch every write checks (issue 6's safety model).

Writes are off unless the admin asked: `--write` on the command line, or a per-tenant
setting in the config file:

    [tenants."11111111-2222-3333-4444-555555555555"]
    write = true

Local label changes are not writes to the tenant and are allowed either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HOW_TO_ENABLE = ("start wlx with --write, or set `write = true` under "
                 "[tenants.\"<tenant id>\"] in the config file")


@dataclass(frozen=True)
class WriteMode:
    enabled: bool
    reason: str  # why: shown in the header, and with every refusal

    @classmethod
    def read_only(cls, reason: str = "") -> WriteMode:
        return cls(False, reason or f"read-only: nothing is changed in the tenant; to allow "
                   f"changes, {HOW_TO_ENABLE}")

    @classmethod
    def writable(cls, reason: str = "writes enabled") -> WriteMode:
        return cls(True, reason)


def write_mode(flag: bool, sections: Mapping[str, Any] | None = None,
               tenant_id: str = "") -> WriteMode:
    """The mode from `--write` and the config file's `[tenants."<id>"] write` setting."""
    if flag:
        return WriteMode.writable("writes enabled with --write")
    tenants = (sections or {}).get("tenants")
    settings = tenants.get(tenant_id) if isinstance(tenants, Mapping) and tenant_id else None
    if isinstance(settings, Mapping) and settings.get("write") is True:
        return WriteMode.writable(f"writes enabled for tenant {tenant_id} by the config file")
    return WriteMode.read_only()
