"""Tolerant pydantic base for Microsoft Graph resources.

Graph answers (and Microsoft's own documentation samples) contain unknown properties,
nulls where a list is expected, placeholder strings and malformed timestamps. None of
that may fail a whole object: unknown properties are ignored, a bad field falls back to
its default, and each repair is counted as a data warning that the UI can show.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, WrapValidator, model_validator
from pydantic.alias_generators import to_camel


@dataclass(frozen=True)
class DataWarning:
    """One value we could not take as Graph sent it."""

    model: str
    field: str
    value: str
    object_id: str = ""

    def __str__(self) -> str:
        where = f"{self.model}.{self.field}"
        if self.object_id:
            where += f" of {self.object_id}"
        return f"{where}: unusable value {self.value!r}"


@dataclass
class DataWarnings:
    """Collects data warnings while parsing; keeps the first few in full, counts all."""

    keep: int = 200
    count: int = 0
    items: list[DataWarning] = field(default_factory=list)

    def add(self, warning: DataWarning) -> None:
        self.count += 1
        if len(self.items) < self.keep:
            self.items.append(warning)


M = TypeVar("M", bound="GraphModel")

_collector: contextvars.ContextVar[DataWarnings | None] = contextvars.ContextVar(
    "wlx_data_warnings", default=None
)


@contextlib.contextmanager
def collect_warnings(into: DataWarnings | None = None) -> Iterator[DataWarnings]:
    """Collect the data warnings raised while parsing inside this block."""
    warnings = into if into is not None else DataWarnings()
    token = _collector.set(warnings)
    try:
        yield warnings
    finally:
        _collector.reset(token)


def _short(value: Any) -> str:
    return (value if isinstance(value, str) else repr(value))[:80]


def warn(model: str, field_name: str, value: Any, object_id: str = "") -> None:
    collector = _collector.get()
    if collector is not None:
        collector.add(DataWarning(model, field_name, _short(value), object_id))


def _lenient_datetime(value: Any, handler: Any, info: Any) -> datetime | None:
    """A timestamp, or None ("unknown") with a data warning when it is malformed."""
    if value is None or value == "":
        return None
    try:
        parsed = handler(value)
    except (ValidationError, ValueError, TypeError):
        model = (info.config or {}).get("title") or "timestamp"
        warn(model, info.field_name or "timestamp", value)
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


Timestamp = Annotated[datetime | None, WrapValidator(_lenient_datetime)]
"""A Graph DateTimeOffset; None when absent or malformed (counted as a warning)."""


def _drop_bad_input(data: dict[str, Any], errors: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Remove from `data` (a copy) the inputs that failed validation; return what went."""
    removed: list[tuple[str, Any]] = []
    bad_items: dict[str, set[int]] = {}
    for error in errors:
        loc = error.get("loc", ())
        if not loc or not isinstance(loc[0], str):
            continue
        key = loc[0] if loc[0] in data else to_camel(loc[0])
        if key not in data:
            continue
        value = data[key]
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(value, list):
            bad_items.setdefault(key, set()).add(loc[1])
        else:
            removed.append((key, data.pop(key)))
    for key, indexes in bad_items.items():
        if key not in data:
            continue
        items = data[key]
        removed.extend((f"{key}[{i}]", items[i]) for i in sorted(indexes) if i < len(items))
        data[key] = [item for i, item in enumerate(items) if i not in indexes]
    return removed


class GraphModel(BaseModel):
    """Base for every Graph resource: camelCase aliases, extras ignored, never fails whole."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        protected_namespaces=(),
    )

    @model_validator(mode="wrap")
    @classmethod
    def _tolerate(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict):
            # a null where Graph documents a value means "not given": use the default
            data = {k: v for k, v in data.items() if v is not None}
        else:
            return handler(data)  # not an object: the parent drops it and warns
        parent = _collector.get()
        removed: list[tuple[str, Any]] = []
        for _ in range(8):
            # warnings of a failed attempt are dropped: the retry raises them again
            attempt = DataWarnings() if parent is not None else None
            token = _collector.set(attempt)
            try:
                result = handler(data)
            except ValidationError as exc:
                data = dict(data)
                dropped = _drop_bad_input(data, exc.errors())
                if not dropped:
                    raise
                removed.extend(dropped)
                continue
            finally:
                _collector.reset(token)
            if parent is not None and attempt is not None:
                object_id = str(data.get("id", "") or "")
                for name, value in removed:
                    parent.add(DataWarning(cls.__name__, name, _short(value), object_id))
                parent.count += attempt.count - len(attempt.items)
                for item in attempt.items:
                    parent.add(item)
            return result
        return handler({})


def parse_many(model: type[M], items: Any) -> list[M]:
    """Parse a list of Graph objects, skipping (and counting) the ones that are not objects."""
    if not isinstance(items, list):
        if items is not None:
            warn(model.__name__, "(list)", items)
        return []
    parsed: list[M] = []
    validate = model.model_validate
    for item in items:
        if isinstance(item, dict):
            parsed.append(validate(item))
        else:
            warn(model.__name__, "(item)", item)
    return parsed
