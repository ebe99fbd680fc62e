"""The wlx cache: one directory per tenant under the XDG cache dir, and the last one used.

Layout of the root (`$XDG_CACHE_HOME/wlx`):
  wlx-cache.json    format, schema version, last tenant used
  CACHEDIR.TAG      tells backup tools to skip the cache
  tenants/<id>/     one tenant (cache/tenant.py)
  aside/            broken or out-of-date parts, moved here with a timestamp, kept
A cache of another schema version is moved aside whole, never read. Problems found and
handled while opening are collected in `Store.notices` for the caller to show.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cache.engine import FileLock
from cache.errors import CacheError, Notice, SyncInProgress, describe, is_broken
from cache.paths import (
    ASIDE, SCHEMA, default_root, move_aside, private_dir, read_json, remove_tree, stamp,
    tenant_key, tree_size, write_json,
)
from cache.tenant import LAYOUT_FILE, SYNC_LOCK, TenantStore

ROOT_FILE = "wlx-cache.json"
ROOT_FORMAT = "wlx-cache"
TENANTS = "tenants"
TENANT_FORMAT = "wlx-cache-tenant"
TAG_FILE = "CACHEDIR.TAG"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This directory is the wlx cache of Entra tenant data (owner-only).\n")


@dataclass(frozen=True)
class TenantSummary:
    """One cached tenant, as `wlx cache list` shows it."""

    tenant_id: str
    display_name: str
    last_sync: datetime | None
    generations: int
    size: int
    path: Path


@dataclass(frozen=True)
class AsideEntry:
    path: Path
    size: int


class Store:
    """The cache root. `Store()` uses the XDG cache dir; tests pass `root`."""

    def __init__(self, root: str | os.PathLike[str] | None = None, *, keep: int = 3,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.keep = max(1, int(keep))
        self._clock = clock or (lambda: datetime.now(UTC))
        self.notices: list[Notice] = []
        self._tenants: dict[str, TenantStore] = {}
        private_dir(self.root)
        try:
            self._check_root()
            self.tenants_dir = private_dir(self.root / TENANTS)
            for name in os.listdir(self.tenants_dir):
                if name.startswith(".") and name.endswith(".deleting"):
                    remove_tree(self.tenants_dir / name)  # a clear that was interrupted
        except OSError as exc:
            raise CacheError(f"cannot use the cache in {self.root}: {describe(exc)}") from exc

    def now(self) -> datetime:
        return self._clock()

    def note(self, tenant_id: str | None, message: str, moved_to: Path | None = None) -> Notice:
        notice = Notice(tenant_id, message, moved_to)
        self.notices.append(notice)
        return notice

    # -- layout ------------------------------------------------------------------------

    def _root_doc(self) -> dict[str, Any]:
        try:
            doc = read_json(self.root / ROOT_FILE)
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def _check_root(self) -> None:
        path = self.root / ROOT_FILE
        try:
            doc = read_json(path)
            schema = doc.get("schema") if isinstance(doc, dict) else None
            if isinstance(doc, dict) and doc.get("format") == ROOT_FORMAT and schema == SCHEMA:
                return
            problem, label = f"schema {schema!r}", f"schema-{schema}"
        except FileNotFoundError:
            problem, label = "no layout file", "unknown"
        except (OSError, ValueError) as exc:
            problem, label = f"unreadable layout file ({describe(exc)})", "unreadable"
        # dot files are other processes' temporary files, about to be renamed
        others = [p for p in self.root.iterdir()
                  if p.name not in (ASIDE, TAG_FILE) and not p.name.startswith(".")]
        if others:
            target = private_dir(self.root / ASIDE / f"cache-{label}.{stamp(self.now())}")
            for entry in others:
                os.rename(entry, target / entry.name)
            self.note(None, f"The cache in {self.root} has another layout ({problem}; this "
                            f"wlx uses schema {SCHEMA}). It was moved to {target} (kept) and "
                            "a new cache was started: sync your tenants again.", target)
        write_json(path, {"format": ROOT_FORMAT, "schema": SCHEMA})
        tag = self.root / TAG_FILE
        if not tag.exists():
            _write_text(tag, _TAG)

    def _check_tenant(self, key: str, path: Path) -> None:
        """Move aside a tenant directory of another schema or that cannot be read."""
        if not os.path.lexists(path):
            return
        try:
            doc = read_json(path / LAYOUT_FILE)
            schema = doc.get("schema") if isinstance(doc, dict) else None
            if isinstance(doc, dict) and doc.get("format") == TENANT_FORMAT and schema == SCHEMA:
                return
            self._tenant_aside(key, path, f"of schema {schema!r}", f"schema-{schema}")
        except FileNotFoundError:
            if [name for name in os.listdir(path) if not name.startswith(".")]:
                self._tenant_aside(key, path, "without a layout file", "unknown")
        except (OSError, ValueError) as exc:
            self._tenant_aside(key, path, f"unreadable ({describe(exc)})", "unreadable")

    def _tenant_aside(self, key: str, path: Path, problem: str, label: str) -> None:
        try:
            moved = move_aside(self.root, path, f"{key}.{label}", self.now())
        except OSError as exc:
            raise CacheError(f"the cache of tenant {key} in {path} is {problem} and cannot be "
                             f"moved aside ({describe(exc)}); remove it by hand") from exc
        self.note(key, f"The cache of tenant {key} was {problem}; it was moved to {moved} "
                       "(kept) and a new one was started: sync the tenant again.", moved)

    # -- tenants -----------------------------------------------------------------------

    def tenant(self, tenant_id: str) -> TenantStore:
        """The cache of one tenant, created empty if it is new."""
        key = tenant_key(tenant_id)
        if key in self._tenants:
            return self._tenants[key]
        path = self.tenants_dir / key
        self._check_tenant(key, path)
        try:
            store = self._open_tenant(key, path)
        except Exception as exc:
            if not is_broken(exc):
                raise
            self._tenant_aside(key, path, f"unreadable ({describe(exc)})", "unreadable")
            store = self._open_tenant(key, path)
        self._tenants[key] = store
        return store

    def _open_tenant(self, key: str, path: Path) -> TenantStore:
        private_dir(path)
        if not (path / LAYOUT_FILE).exists():
            write_json(path / LAYOUT_FILE,
                       {"format": TENANT_FORMAT, "schema": SCHEMA, "tenantId": key})
        return TenantStore(self, key, path)

    def has_tenant(self, tenant_id: str) -> bool:
        return (self.tenants_dir / tenant_key(tenant_id)).is_dir()

    def tenants(self) -> list[TenantSummary]:
        """Every cached tenant, most recently synced first."""
        found = []
        for name in sorted(os.listdir(self.tenants_dir)):
            if name.startswith("."):
                continue
            try:
                tenant = self.tenant(name)
            except CacheError:
                continue  # not a directory we made (bad name); left alone
            generations = tenant.generations()
            latest = generations[0] if generations else None
            found.append(TenantSummary(
                tenant.tenant_id, latest.display_name if latest else "",
                latest.created if latest else None, len(generations), tenant.size(),
                tenant.path))
        never = datetime.min.replace(tzinfo=UTC)
        return sorted(found, key=lambda t: t.last_sync or never, reverse=True)

    def find(self, text: str) -> str | None:
        """The cached tenant meant by `text`: its id, its display name, or an id prefix,
        when exactly one tenant matches (`wlx --tenant contoso`)."""
        wanted = str(text).strip().lower()
        if not wanted:
            return None
        tenants = self.tenants()
        for rule in (lambda t: t.tenant_id == wanted,
                     lambda t: t.display_name.lower() == wanted,
                     lambda t: t.tenant_id.startswith(wanted)):
            found = [t.tenant_id for t in tenants if rule(t)]
            if len(found) == 1:
                return found[0]
            if found:
                return None  # ambiguous: the caller lists the candidates
        return None

    def last_tenant(self) -> str | None:
        """The tenant opened last, if it is still cached."""
        key = self._root_doc().get("lastTenant")
        if isinstance(key, str) and key and (self.tenants_dir / key).is_dir():
            return key
        return None

    def set_last_tenant(self, tenant_id: str | None) -> None:
        doc = {"format": ROOT_FORMAT, "schema": SCHEMA, **self._root_doc()}
        if tenant_id is None:
            doc.pop("lastTenant", None)
        else:
            doc["lastTenant"] = tenant_key(tenant_id)
        write_json(self.root / ROOT_FILE, doc)

    def clear(self, tenant_id: str) -> bool:
        """Delete a tenant's cache (snapshots, labels, journal) and its moved-aside copies."""
        key = tenant_key(tenant_id)
        path = self.tenants_dir / key
        existed = path.exists()
        if existed:
            lock = FileLock(path / SYNC_LOCK)
            if not lock.acquire():
                raise SyncInProgress(f"tenant {key} is being synced right now; clear it after")
            try:
                opened = self._tenants.pop(key, None)
                if opened is not None:
                    opened.close()
                doomed = self.tenants_dir / f".{key}.{os.getpid()}.deleting"
                os.rename(path, doomed)  # gone at once; the files go next
            finally:
                lock.release()
            remove_tree(doomed)
        for entry in self.aside():
            if entry.path.name.startswith(f"{key}."):
                _remove(entry.path)
        if self._root_doc().get("lastTenant") == key:
            self.set_last_tenant(None)
        return existed

    def clear_all(self) -> int:
        """Delete every tenant and everything moved aside; the number of tenants removed."""
        removed = sum(1 for name in sorted(os.listdir(self.tenants_dir))
                      if not name.startswith(".") and _valid(name) and self.clear(name))
        remove_tree(self.root / ASIDE)
        self.set_last_tenant(None)
        return removed

    def aside(self) -> list[AsideEntry]:
        """What was moved aside (damaged or out-of-date parts), kept until cleared."""
        folder = self.root / ASIDE
        if not folder.is_dir():
            return []
        return [AsideEntry(p, tree_size(p) if p.is_dir() else p.stat().st_size)
                for p in sorted(folder.iterdir())]

    def close(self) -> None:
        for tenant in self._tenants.values():
            tenant.close()
        self._tenants.clear()


def _valid(name: str) -> bool:
    try:
        tenant_key(name)
    except CacheError:
        return False
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        remove_tree(path)
    else:
        path.unlink(missing_ok=True)


def _write_text(path: Path, text: str) -> None:
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
