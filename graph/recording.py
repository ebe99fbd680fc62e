"""Read and write tenant recordings on disk (format: docs/recording-format.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson

from models.nogc import paused_gc
from models.recording import FORMAT, Recording, Unavailable, parse_recorded_at

META_FILE = "recording.json"


class RecordingError(Exception):
    """A recording directory that cannot be used, with what is wrong and where."""


def _strip_secrets(body: Any) -> Any:
    """Secret values must never be written; Graph only returns them on creation, but be sure."""
    if isinstance(body, dict):
        return {k: _strip_secrets(v) for k, v in body.items() if k != "secretText"}
    if isinstance(body, list):
        return [_strip_secrets(v) for v in body]
    return body


def _dump(body: Any, out: Any) -> None:
    if isinstance(body, dict) and isinstance(body.get("value"), list) and len(body) == 1:
        out.write('{"value": [\n')
        items = body["value"]
        for i, item in enumerate(items):
            text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
            if '"secretText"' in text:  # rare: only strip (a deep copy) when needed
                text = json.dumps(_strip_secrets(item), ensure_ascii=False,
                                  separators=(",", ":"))
            out.write(text)
            out.write(",\n" if i + 1 < len(items) else "\n")
        out.write("]}\n")
    else:
        json.dump(_strip_secrets(body), out, ensure_ascii=False)


def write_recording(recording: Recording, directory: str | os.PathLike[str]) -> Path:
    """Write every body as `<path>.json` and the metadata as recording.json."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    resolved = root.resolve()
    made: set[Path] = set()
    for path, body in sorted(recording.bodies.items()):
        if ".." in path.split("/") or path.startswith("/"):
            raise RecordingError(f"refusing to write outside the recording: {path}")
        target = resolved / f"{path}.json"
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        # compact, one object per line: small files that still diff and grep well
        with open(target, "w", encoding="utf-8") as out:
            _dump(body, out)
    (root / META_FILE).write_text(json.dumps(recording.meta(), indent=2) + "\n")
    return root


def read_recording(directory: str | os.PathLike[str]) -> Recording:
    """Load a recording directory; a missing data file means that data was not available."""
    root = Path(directory)
    meta_path = root / META_FILE
    if not meta_path.is_file():
        raise RecordingError(f"{root} is not a wlx recording: {META_FILE} is missing")
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != FORMAT:
            raise RecordingError(
                f"{meta_path}: format {meta.get('format')!r} is not {FORMAT!r}"
            )
        recording = Recording(
            tenant_id=str(meta.get("tenantId") or ""),
            recorded_at=parse_recorded_at(meta.get("recordedAt")),
            cloud=str(meta.get("cloud") or "global"),
        )
    except (OSError, ValueError, AttributeError) as exc:
        raise RecordingError(f"{meta_path}: {exc}") from exc
    for name, why in (meta.get("unavailable") or {}).items():
        recording.unavailable[str(name)] = Unavailable.from_json(why)
    # tens of thousands of small files in a large tenant: walk with plain strings (sorting
    # Path objects cost 5 s at 50k) and parse with the GC paused (acyclic JSON values)
    with paused_gc():
        for path in sorted(_data_files(str(root))):
            file = os.path.join(root, path + ".json")
            try:
                with open(file, "rb") as handle:
                    recording.bodies[path] = orjson.loads(handle.read())
            except (OSError, ValueError) as exc:
                # one unreadable file costs that data only, and says so
                recording.unavailable.setdefault(
                    path, Unavailable(None, f"unreadable file {os.path.basename(file)}: {exc}")
                )
    return recording


def _data_files(root: str) -> list[str]:
    """Recording paths ("v1.0/applications") of every data file under root."""
    found = []
    for folder, _dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in files:
            if name.endswith(".json") and not (prefix == "" and name == META_FILE):
                found.append(prefix + name[: -len(".json")])
    return found
