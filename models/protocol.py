"""Graph's envelopes: collection pages, JSON $batch responses and error bodies."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from models.base import GraphModel


class Page(GraphModel):
    """One page of a collection; items stay raw dicts so the caller picks the model."""

    value: list[Any] = Field(default_factory=list)
    next_link: str | None = Field(default=None, alias="@odata.nextLink")
    delta_link: str | None = Field(default=None, alias="@odata.deltaLink")
    count: int | None = Field(default=None, alias="@odata.count")


class ErrorDetail(GraphModel):
    code: str | None = None
    message: str | None = None
    inner_error: dict[str, Any] | None = None


class GraphError(GraphModel):
    error: ErrorDetail | None = None

    @property
    def text(self) -> str:
        if self.error is None:
            return "unknown error"
        code = self.error.code or "error"
        return f"{code}: {self.error.message or ''}".strip()


class BatchItemResponse(GraphModel):
    id: str = ""
    status: int = 0
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None

    @property
    def retry_after(self) -> float | None:
        for key, value in self.headers.items():
            if key.lower() == "retry-after":
                try:
                    return float(value)
                except ValueError:
                    return None
        return None


class BatchResponse(GraphModel):
    responses: list[BatchItemResponse] = Field(default_factory=list)
