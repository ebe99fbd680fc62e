"""The live filter language of the explorer's `/` prompt.

    payroll                 plain words: case-insensitive substring of the row's names and ids
    kind:managed            field terms: the value is a prefix of the field (or of a word in it)
    kind:=app               `=` asks for the whole value (kind app, not app-without-sp)
    tier:control rule:credential-expired severity:high owner:"Jane Doe" label:to-decommission
    !kind:microsoft-app     `!` negates a term; `!test` drops rows whose names contain "test"
    "api://payroll"         quotes keep spaces and colons inside one plain word

Terms AND together. A mistake (an unknown field) never raises: it is reported in
`Query.errors` for the prompt to show, and the term is left out, so the rest still filters.
An unclosed quote is read to the end of the text, since the user is still typing it.
Pure: no Textual, no I/O; parse once per keystroke, then `matches()` per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FIELDS = ("kind", "tier", "rule", "severity", "owner", "label")
ALIASES = {"sev": "severity", "labels": "label", "owners": "owner", "rules": "rule"}
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z_-]*")


@dataclass(frozen=True)
class Term:
    """One filter term; `field` None means a plain word over the search text."""

    value: str  # lowercase
    field: str | None = None
    negated: bool = False
    exact: bool = False  # field:=value

    def __str__(self) -> str:
        value = f'"{self.value}"' if (not self.value or " " in self.value
                                      or ":" in self.value) else self.value
        return (("!" if self.negated else "") + (f"{self.field}:" if self.field else "")
                + ("=" if self.exact else "") + value)


def _field_matches(wanted: str, value: str | Iterable[str] | None, exact: bool) -> bool:
    if value is None:
        return False
    items = (value,) if isinstance(value, str) else value
    for item in items:
        if not item:
            continue  # "severity:" means "has any severity"
        text = item.lower()
        if exact:  # the whole value (of one item, for several values)
            if text == wanted:
                return True
        # a prefix of the whole value, or of any word in it (owner:"jane" in "Bob, Jane Doe")
        elif text.startswith(wanted) or (" " + wanted) in text:
            return True
    return False


@dataclass(frozen=True)
class Query:
    """A parsed filter: the usable terms and the messages about the unusable ones."""

    text: str = ""
    terms: tuple[Term, ...] = ()
    errors: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def error(self) -> str | None:
        """All problems as one line for the prompt, or None."""
        return "; ".join(self.errors) or None

    def matches(self, row_fields: Mapping[str, str | Iterable[str] | None],
                search_text: str) -> bool:
        """Whether a row passes every term.

        `row_fields` maps field names (FIELDS) to a string or several strings;
        `search_text` is the row's names and ids, already lowercase (see `search_text()`).
        """
        for term in self.terms:
            if term.field is None:
                hit = term.value in search_text
            else:
                hit = _field_matches(term.value, row_fields.get(term.field), term.exact)
            if hit == term.negated:
                return False
        return True

    def select(self, candidates: Sequence[int], texts: Sequence[str],
               column: Callable[[str], Sequence[str | tuple[str, ...]]]) -> list[int]:
        """The candidates (row positions, in order) that pass every term, a term at a time.

        The fast path for big lists: `texts[i]` is row i's lowercase search text, and
        `column(field)[i]` its lowercase field value (a string, or a tuple for several).
        Plain words go first: they are cheap and usually narrow the most.
        """
        kept = list(candidates)
        for term in sorted(self.terms, key=lambda t: t.field is not None):
            wanted, negated = term.value, term.negated
            if term.field is None:
                kept = [i for i in kept if (wanted in texts[i]) is not negated]
                continue
            values = column(term.field)
            # few distinct values (kinds, tiers, severities): decide each value once
            verdict: dict[str | tuple[str, ...], bool] = {}
            if term.exact:
                def test(value: str | tuple[str, ...], wanted: str = wanted) -> bool:
                    return _exact(wanted, value)
            else:
                def test(value: str | tuple[str, ...], wanted: str = wanted,
                         word: str = " " + wanted) -> bool:
                    return _prefix(wanted, word, value)
            kept = [i for i in kept if (
                verdict[v] if (v := values[i]) in verdict else verdict.setdefault(v, test(v))
            ) is not negated]
        return kept

    def uses_fields(self) -> bool:
        """Whether any term needs the row's fields (plain words need only the search text)."""
        return any(term.field is not None for term in self.terms)


def _prefix(wanted: str, word: str, value: str | tuple[str, ...]) -> bool:
    if isinstance(value, str):
        return bool(value) and (value.startswith(wanted) or word in value)
    for item in value:
        if item.startswith(wanted) or word in item:
            return True
    return False


def _exact(wanted: str, value: str | tuple[str, ...]) -> bool:
    return bool(value) and value == wanted if isinstance(value, str) else wanted in value


def lowercase_value(value: str | Iterable[str] | None) -> str | tuple[str, ...]:
    """A field value as `Query.select` reads it: lowercase; several values as a tuple."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.lower()
    return tuple(str(item).lower() for item in value if item)


def search_text(*parts: object) -> str:
    """A row's search text: its names and ids, lowercase, one part per line."""
    return "\n".join(str(p).lower() for p in parts if p)


def _split(text: str) -> list[str]:
    """Whitespace-separated raw terms, quotes kept; quoted stretches keep their spaces."""
    terms: list[str] = []
    current: list[str] = []
    in_quote = False
    for char in text:
        if char == '"':
            in_quote = not in_quote
        elif char.isspace() and not in_quote:
            if current:
                terms.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        terms.append("".join(current))
    return terms


def _unquote(text: str) -> str:
    return text.replace('"', "")


def parse_query(text: str) -> Query:
    """Parse the prompt's text; never raises."""
    terms: list[Term] = []
    errors: list[str] = []
    known = ", ".join(f"{name}:" for name in FIELDS)
    for raw in _split(text or ""):
        negated = raw.startswith("!")
        body = raw[1:] if negated else raw
        name: str | None = None
        value = body
        head, colon, rest = body.partition(":")
        # "api://x" (quoted from its start) stays a plain word even with a colon in it
        if colon and _FIELD_NAME.fullmatch(head) and not rest.startswith("/"):  # not a URL
            name = ALIASES.get(head.lower(), head.lower())
            value = rest
            if name not in FIELDS:
                errors.append(f'unknown filter field "{head}:" (known: {known}; '
                              f'to search for text with a colon, quote it: "{_unquote(body)}")')
                continue
        exact = name is not None and value.startswith("=")
        value = _unquote(value[1:] if exact else value)
        if not value and name is None:
            continue  # a lone "!" or empty quotes while typing
        terms.append(Term(value=value.lower(), field=name, negated=negated, exact=exact))
    return Query(text=text or "", terms=tuple(terms), errors=tuple(errors))
