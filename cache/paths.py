"""Where the cache lives and how its files are made: owner-only, written atomically.

The root is `$XDG_CACHE_HOME/wlx` (default `~/.cache/wlx`). Directories are 0700 and
files 0600 whatever the umask, because the cache holds a whole tenant's configuration.
Small JSON files are replaced atomically (temporary file, fsync, rename) so that a
killed process leaves either the old or the new content, never half of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from cache.errors import CacheError

SCHEMA = 1  # the cache layout; any other value is moved aside, never read
DIR_MODE = 0o700
FILE_MODE = 0o600
ASIDE = "aside"
_TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


def default_root() -> Path:
    """`$XDG_CACHE_HOME/wlx`; the spec ignores a relative XDG_CACHE_HOME."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wlx"


def tenant_key(tenant_id: str) -> str:
    """The directory name of a tenant: its id in lower case (tenant GUIDs and domains)."""
    key = str(tenant_id).strip().lower()
    if not _TENANT_ID.match(key) or ".." in key:
        raise CacheError(
            f"not a tenant id: {tenant_id!r} (expected a tenant GUID or domain name)"
        )
    return key


def private_dir(path: Path) -> Path:
    """Create a directory (and missing parents) owner-only; tighten it if it exists."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if path.stat().st_mode & 0o777 != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise CacheError(f"cannot use cache directory {path}: {exc.strerror or exc}") from exc
    return path


def private_file(path: Path) -> Path:
    """Create an empty owner-only file if it is missing (lock files, sqlite databases)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_json(path: Path, value: Any) -> None:
    """Replace a small JSON file atomically, owner-only, durable before returning."""
    data = json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_json(path: Path) -> Any:
    """A small JSON file; OSError or ValueError when it is missing or unreadable."""
    with open(path, "rb") as handle:
        return json.loads(handle.read())


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in a directory durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; nothing more to do
    finally:
        os.close(fd)


def tree_size(path: Path) -> int:
    """Bytes on disk under a directory; unreadable parts count as 0."""
    total = 0
    for base, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(base, name)).st_size
            except OSError:
                pass
    return total


def stamp(when: datetime) -> str:
    """A timestamp for file names: 20261120T090000Z."""
    return when.strftime("%Y%m%dT%H%M%SZ")


def move_aside(root: Path, source: Path, label: str, when: datetime) -> Path:
    """Rename a broken part of the cache to `<root>/aside/<label>.<time>` and keep it."""
    target_dir = private_dir(root / ASIDE)
    base = target_dir / f"{label}.{stamp(when)}"
    target = base
    counter = 1
    while target.exists():
        counter += 1
        target = base.with_name(f"{base.name}.{counter}")
    try:
        os.rename(source, target)
    except PermissionError:
        # moving a directory to another parent rewrites its "..": it needs write access,
        # which the owner can give back to a directory someone made unreadable
        if not source.is_dir() or source.is_symlink():
            raise
        os.chmod(source, DIR_MODE)
        os.rename(source, target)
    fsync_dir(source.parent)
    return target


def remove_tree(path: Path) -> None:
    """Delete a directory tree; a tree already gone (or going, in another process) is fine."""
    for _attempt in range(3):
        try:
            shutil.rmtree(path)
            return
        except FileNotFoundError:
            continue
