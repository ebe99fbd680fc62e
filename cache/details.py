"""Per-identity detail documents, grouped into shards.

50,000 identities with a ~3 KB JSON detail each would be 50,000 rows or files; instead
they are hashed into shards of about 128 details. Reading one identity reads and
decompresses one shard (~400 KB of JSON, about a millisecond); writing all of them is a
few hundred compressed blobs.

Shard payload: 4-byte big-endian length of a JSON header `{id: [offset, length]}`, the
header, then the detail documents back to back.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections.abc import Iterator, Mapping

from cache.codec import clean_json_bytes
from cache.errors import CorruptValue

PER_SHARD = 128
_LEN = struct.Struct(">I")


def shard_count(count: int, per_shard: int = PER_SHARD) -> int:
    return max(1, math.ceil(count / per_shard))


def shard_of(identity_id: str, shards: int) -> int:
    # crc32 is stable across processes and versions (unlike hash())
    return zlib.crc32(identity_id.encode()) % shards


def shard_key(index: int) -> str:
    return f"d:{index}"


def build_shards(mapping: Mapping[str, bytes | str], shards: int) -> Iterator[tuple[str, bytes]]:
    """(key, payload) of every non-empty shard."""
    groups: list[list[tuple[str, bytes]]] = [[] for _ in range(shards)]
    for identity_id, detail in mapping.items():
        if not isinstance(identity_id, str):
            raise TypeError(f"identity ids are str, not {type(identity_id).__name__}")
        if isinstance(detail, str):
            data = detail.encode()
        elif isinstance(detail, (bytes, bytearray, memoryview)):
            data = bytes(detail)
        else:
            raise TypeError(f"detail of {identity_id!r} must be JSON as bytes or str")
        groups[shard_of(identity_id, shards)].append((identity_id, clean_json_bytes(data)))
    for index, group in enumerate(groups):
        if group:
            yield shard_key(index), _pack_shard(group)


def _pack_shard(group: list[tuple[str, bytes]]) -> bytes:
    header: dict[str, list[int]] = {}
    offset = 0
    for identity_id, data in group:
        header[identity_id] = [offset, len(data)]
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    return b"".join([_LEN.pack(len(head)), head, *(data for _, data in group)])


class Shard:
    """One decoded shard: the details of the identities hashed into it."""

    def __init__(self, payload: bytes) -> None:
        try:
            (head_len,) = _LEN.unpack_from(payload)
            header = json.loads(payload[_LEN.size:_LEN.size + head_len])
        except (struct.error, ValueError) as exc:
            raise CorruptValue(f"detail shard header unreadable: {exc}") from exc
        if not isinstance(header, dict):
            raise CorruptValue("detail shard header is not an object")
        self._header = header
        self._body = memoryview(payload)[_LEN.size + head_len:]

    def get(self, identity_id: str) -> bytes | None:
        where = self._header.get(identity_id)
        if where is None:
            return None
        try:
            start, length = int(where[0]), int(where[1])
        except (TypeError, ValueError, IndexError) as exc:
            raise CorruptValue(f"detail shard entry of {identity_id!r} unreadable") from exc
        if start < 0 or length < 0 or start + length > len(self._body):
            raise CorruptValue(f"detail of {identity_id!r} lies outside its shard")
        return bytes(self._body[start:start + length])

    def ids(self) -> list[str]:
        return list(self._header)
