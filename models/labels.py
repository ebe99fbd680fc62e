"""The admin's label document for one identity: tier override, criticality, owner of
record, business purpose, notes and free labels (issue 6).

    {"tier": "ControlPlane", "tierReason": "runs the payroll export", "criticality": "high",
     "ownerOfRecord": "jane@contoso.com", "businessPurpose": "...", "notes": "...",
     "labels": ["to-decommission", "accepted-risk:2027-03-31"], "by": "...", "at": "..."}

Stored per tenant in the cache (`cache.labels`), one document per identity; `tier`,
`tierReason`, `by` and `at` feed the analysis as a tier override (tui.sync). A free label
is a name (`to-decommission`) or `name:value` (`accepted-risk:2027-03-31`, whose value
must be a date). Optional write-back: service principal `tags` with a `wlx:` prefix, or
custom security attributes of a configured attribute set. Pure: no I/O.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.tiers import TIERS

CRITICALITIES = ("low", "medium", "high", "critical")
TAG_PREFIX = "wlx:"
# labels whose value is a date: until when a risk is accepted, until when it is snoozed
DATED = ("accepted-risk", "snooze")
RESERVED = ("tier", "criticality")  # names used by the document's own fields in tags
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_VALUE = re.compile(r"^[A-Za-z0-9._:/@+-]{1,64}$")
_TEXT_LIMITS = {"tierReason": 500, "ownerOfRecord": 200, "businessPurpose": 2000,
                "notes": 4000, "by": 200, "at": 40}
MAX_LABELS = 50


def check_label(text: str) -> str:
    """A free label, normalised (`Accepted-Risk:2027-03-31` -> `accepted-risk:2027-03-31`);
    ValueError with the rule it breaks."""
    if not isinstance(text, str):
        raise ValueError(f"a label is text, not {type(text).__name__}")
    name, sep, value = text.strip().partition(":")
    name = name.lower()
    if not _NAME.match(name):
        raise ValueError(f"label {text!r}: a name of letters, digits, '.', '_' or '-' "
                         "(up to 64), optionally followed by ':value'")
    if name in RESERVED:
        raise ValueError(f"label {text!r}: {name!r} is set with its own field, not as a label")
    if sep:
        if not _VALUE.match(value):
            raise ValueError(f"label {text!r}: the value after ':' is up to 64 letters, "
                             "digits or . _ : / @ + -")
        if name in DATED:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"label {text!r}: {name} needs a date, e.g. "
                                 f"{name}:2027-03-31") from None
    elif name in DATED:
        raise ValueError(f"label {text!r}: {name} needs a date, e.g. {name}:2027-03-31")
    return f"{name}:{value}" if sep else name


def label_name(label: str) -> str:
    return label.partition(":")[0]


class LabelDocument(BaseModel):
    """One identity's labels; unknown keys are refused (the document is ours)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    tier: str | None = None
    tier_reason: str = Field("", alias="tierReason")
    criticality: str | None = None
    owner_of_record: str = Field("", alias="ownerOfRecord")
    business_purpose: str = Field("", alias="businessPurpose")
    notes: str = ""
    labels: list[str] = Field(default_factory=list)
    by: str = ""
    at: str = ""

    @field_validator("tier")
    @classmethod
    def _tier(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        for tier in TIERS:
            if value.lower() == tier.lower():
                return tier
        raise ValueError(f"tier {value!r}: one of {', '.join(TIERS)}")

    @field_validator("criticality")
    @classmethod
    def _criticality(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value.lower() not in CRITICALITIES:
            raise ValueError(f"criticality {value!r}: one of {', '.join(CRITICALITIES)}")
        return value.lower()

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        if len(value) > MAX_LABELS:
            raise ValueError(f"at most {MAX_LABELS} labels per identity")
        out: list[str] = []
        for item in value:
            label = check_label(item)
            if label not in out:
                out.append(label)
        return out

    @field_validator("tier_reason", "owner_of_record", "business_purpose", "notes", "by", "at")
    @classmethod
    def _text(cls, value: str, info: Any) -> str:
        alias = cls.model_fields[info.field_name].alias or info.field_name
        limit = _TEXT_LIMITS[alias]
        if len(value) > limit:
            raise ValueError(f"{alias} is longer than {limit} characters")
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            raise ValueError(f"{alias} holds control characters")
        return value

    def to_json(self) -> dict[str, Any]:
        """The stored form: only fields that are set."""
        out = self.model_dump(by_alias=True, mode="json")
        return {k: v for k, v in out.items() if v not in (None, "", [])}

    @property
    def empty(self) -> bool:
        return not {k for k in self.to_json() if k not in ("by", "at")}


def parse_document(value: Any) -> LabelDocument:
    """A stored document (or None) as a LabelDocument; ValueError with the reasons."""
    if value is None:
        return LabelDocument()
    if not isinstance(value, dict):
        raise ValueError(f"a label document is an object, not {type(value).__name__}")
    try:
        return LabelDocument.model_validate(value)
    except ValidationError as exc:
        raise ValueError(_problems(exc)) from None


def _problems(exc: ValidationError) -> str:
    out = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        text = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            text = "not a label field (tier, tierReason, criticality, ownerOfRecord, " \
                   "businessPurpose, notes, labels)"
        out.append(f"{where}: {text}" if where else text)
    return "; ".join(out)


_CHANGE_FIELDS = {"tier", "tierReason", "criticality", "ownerOfRecord", "businessPurpose",
                  "notes", "labels", "addLabels", "removeLabels"}


def check_change(change: Any) -> None:
    """ValueError unless `change` is a valid set-label change: a free label to add
    (`"to-decommission"`), one to remove (`"-to-decommission"`), or an object of fields to
    set (null clears one), with `addLabels` / `removeLabels` lists."""
    apply_change(None, change)


def apply_change(current: Any, change: Any, by: str = "", at: str = "") -> dict[str, Any]:
    """The document after `change`, as stored (`by`/`at` say who changed it, and when)."""
    doc = parse_document(current).to_json()
    if isinstance(change, str):
        text = change.strip()
        change = {"removeLabels": [text[1:]]} if text.startswith("-") else {"addLabels": [text]}
    if not isinstance(change, dict) or not change:
        raise ValueError("a label change is a label (text) or an object of label fields")
    unknown = set(change) - _CHANGE_FIELDS
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))}: not a label field (known: "
                         f"{', '.join(sorted(_CHANGE_FIELDS))})")
    labels = list(doc.get("labels", []))
    for key, value in change.items():
        if key == "addLabels":
            for item in _text_list(value, key):
                label = check_label(item)
                if ":" in label:  # name:value holds one value: a new date replaces the old
                    labels = [x for x in labels if label_name(x) != label_name(label)]
                else:
                    labels = [x for x in labels if x != label]
                labels.append(label)
        elif key == "removeLabels":
            for item in _text_list(value, key):
                wanted = item.strip().lower()
                labels = [x for x in labels if x != wanted and label_name(x) != wanted]
        elif key == "labels":
            labels = list(_text_list(value, key)) if value is not None else []
        elif value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    doc["labels"] = labels
    if by:
        doc["by"] = by
    if at:
        doc["at"] = at
    return parse_document(doc).to_json()


def _text_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} is a list of labels")
    return value


def label_terms(value: Any) -> tuple[str, ...]:
    """What the `label:` filter matches for one identity: its free labels, and
    `criticality:<c>` / `tier-override:<tier>` when set. A damaged document gives none."""
    try:
        doc = parse_document(value)
    except ValueError:
        return ()
    terms = list(doc.labels)
    if doc.criticality:
        terms.append(f"criticality:{doc.criticality}")
    if doc.tier:
        terms.append(f"tier-override:{doc.tier.lower()}")
    return tuple(terms)


def accepted_until(value: Any) -> date | None:
    """The latest `accepted-risk:<date>` of a document, or None."""
    try:
        doc = parse_document(value)
    except ValueError:
        return None
    dates = [date.fromisoformat(x.partition(":")[2]) for x in doc.labels
             if label_name(x) == "accepted-risk"]
    return max(dates) if dates else None


# -- write-back ------------------------------------------------------------------------

def wlx_tags(value: Any) -> list[str]:
    """The document as service principal tags: `wlx:tier:ControlPlane`,
    `wlx:criticality:high`, `wlx:to-decommission`, `wlx:accepted-risk:2027-03-31`.
    Free text (reasons, notes, owner) stays local: tags are visible to anyone who can read
    the directory."""
    doc = parse_document(value)
    tags = []
    if doc.tier:
        tags.append(f"{TAG_PREFIX}tier:{doc.tier}")
    if doc.criticality:
        tags.append(f"{TAG_PREFIX}criticality:{doc.criticality}")
    tags += [f"{TAG_PREFIX}{label}" for label in doc.labels]
    return tags


def merged_tags(existing: list[Any], value: Any) -> list[str]:
    """The service principal's tags with our `wlx:` ones replaced by the document's:
    every other tag (`WindowsAzureActiveDirectoryIntegratedApp`, ...) is kept as it was."""
    kept = [t for t in existing if isinstance(t, str) and not t.lower().startswith(TAG_PREFIX)]
    return kept + wlx_tags(value)


ATTRIBUTE_VALUE_TYPE = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"


def attribute_values(value: Any, attribute_set: str) -> dict[str, Any]:
    """The document as custom security attributes of `attribute_set` (Tier, Criticality,
    Labels), the body of a PATCH of `customSecurityAttributes`. Cleared fields are sent
    as null so Graph removes them."""
    if not _NAME.match(attribute_set.lower()):
        raise ValueError(f"attribute set {attribute_set!r} is not a valid name")
    doc = parse_document(value)
    values: dict[str, Any] = {"@odata.type": ATTRIBUTE_VALUE_TYPE,
                              "Tier": doc.tier, "Criticality": doc.criticality}
    if doc.labels:
        values["Labels@odata.type"] = "#Collection(String)"
        values["Labels"] = list(doc.labels)
    else:
        values["Labels"] = None
    return {attribute_set: values}
