"""The `/` filter language (models.query): words, fields, negation, quotes, errors."""

from __future__ import annotations

import pytest

from models.query import FIELDS, Query, lowercase_value, parse_query, search_text

PAYROLL = {"kind": "app", "tier": "ControlPlane", "rule": ["credential-expired", "stale-identity"],
           "severity": ["high", "low"], "owner": "Jane Doe jane@contoso.example",
           "label": ["to-decommission", "accepted-risk:2027-03-31"]}
PAYROLL_TEXT = search_text("Payroll Sync", "0000-aaaa", "1111-bbbb")
MI = {"kind": "managed-identity-system", "tier": "Unclassified", "rule": "", "severity": "",
      "owner": "", "label": ()}
MI_TEXT = search_text("vm-build-01", "2222-cccc", "3333-dddd")


def matches(text: str, fields: dict, search: str) -> bool:
    query = parse_query(text)
    assert not query.errors, query.errors
    return query.matches(fields, search)


@pytest.mark.parametrize("text, payroll, mi", [
    ("", True, True),
    ("payroll", True, False),
    ("PAYROLL sync", True, False),  # several words AND together, any case
    ("aaaa", True, False),  # ids are searched too
    ("3333-dd", False, True),
    ("payroll build", False, False),
    ("!payroll", False, True),
    ("kind:managed", False, True),  # prefix of the value
    ("kind:app", True, False),
    ("kind:=app", True, False),
    ("kind:identity", False, False),  # a prefix, not a substring
    ("!kind:microsoft-app", True, True),
    ("tier:control", True, False),
    ("TIER:CONTROL", True, False),
    ("rule:stale", True, False),  # list values: a prefix of any item
    ("rule:=stale-identity", True, False),
    ("rule:=stale", False, False),
    ("owner:=jane", False, False),  # "=" wants the whole value
    ("severity:high", True, False),
    ("severity:", True, False),  # "has any severity"
    ("!severity:", False, True),
    ("owner:jane", True, False),
    ('owner:"Jane Doe"', True, False),
    ('owner:"doe jane"', True, False),  # word start inside the value
    ('owner:"John"', False, False),
    ("label:to-decom", True, False),  # list values: any item
    ('label:"accepted-risk:2027"', True, False),
    ("kind:app tier:control !rule:credential-rotated", True, False),
    ('"vm-build"', False, True),  # a quoted plain word
    ("sev:high", True, False),  # alias
])
def test_terms(text, payroll, mi):
    assert matches(text, PAYROLL, PAYROLL_TEXT) is payroll
    assert matches(text, MI, MI_TEXT) is mi


def test_quotes_keep_spaces_and_colons_in_a_plain_word():
    query = parse_query('"payroll sync" "api://payroll"')
    assert [t.value for t in query.terms] == ["payroll sync", "api://payroll"]
    assert all(t.field is None for t in query.terms)
    assert query.matches({}, search_text("Payroll Sync", "api://payroll"))


def test_a_url_is_a_plain_word():
    query = parse_query("https://login.example")
    assert not query.errors
    assert query.terms[0].field is None


def test_an_unknown_field_is_a_message_not_an_exception():
    query = parse_query("tie:control payroll")
    assert query.error and 'unknown filter field "tie:"' in query.error
    for name in FIELDS:
        assert f"{name}:" in query.error
    # the rest still filters
    assert [str(t) for t in query.terms] == ["payroll"]
    assert query.matches(PAYROLL, PAYROLL_TEXT)
    assert not query.matches(MI, MI_TEXT)


def test_an_unclosed_quote_while_typing_reads_to_the_end():
    query = parse_query('owner:"Jane D')
    assert not query.errors
    assert query.terms[0].value == "jane d"
    assert query.matches(PAYROLL, PAYROLL_TEXT)


@pytest.mark.parametrize("text", ["!", '""', "   ", '!""'])
def test_half_typed_terms_filter_nothing(text):
    query = parse_query(text)
    assert query.is_empty and not query.errors


def test_missing_fields_do_not_match_and_do_not_raise():
    assert not parse_query("owner:jane").matches({}, "")
    assert parse_query("!owner:jane").matches({}, "")
    assert not parse_query("label:x").matches({"label": None}, "")


def test_terms_print_back_as_typed():
    query = parse_query('!kind:microsoft-app owner:"Jane Doe" tier:=ControlPlane')
    assert [str(t) for t in query.terms] == [
        "!kind:microsoft-app", 'owner:"jane doe"', "tier:=controlplane"]


def test_uses_fields_tells_whether_rows_need_their_fields():
    assert not parse_query("payroll !test").uses_fields()
    assert parse_query("payroll kind:app").uses_fields()


def test_parse_never_raises_on_odd_input():
    for text in [":", "::", "kind::", "!:", '"', '""":', "\x1b[31m", "a" * 10_000, "kind:" * 50]:
        assert isinstance(parse_query(text), Query)


def test_fifty_thousand_rows_filter_through_the_same_query():
    rows = [({"kind": "app" if i % 2 else "managed-identity-user", "tier": "UserAccess"},
             search_text(f"name {i}", f"id-{i}")) for i in range(50_000)]
    query = parse_query('kind:managed !"name 1"')
    kept = [text for fields, text in rows if query.matches(fields, text)]
    expected = [text for fields, text in rows
                if fields["kind"].startswith("managed") and "name 1" not in text]
    assert kept == expected and len(kept) > 15_000


def test_select_over_columns_agrees_with_matches_row_by_row():
    """The list-at-once path (Query.select) keeps exactly the rows matches() keeps."""
    kinds = ("app", "managed-identity-user", "microsoft-app", "app-without-sp")
    rows = []
    for i in range(400):
        rows.append(({"kind": kinds[i % 4], "tier": ("ControlPlane", "UserAccess", None)[i % 3],
                      "rule": ["credential-expired", "stale-identity"][: i % 3],
                      "severity": ["high"] if i % 5 == 0 else [],
                      "owner": "Jane Doe jane@x.example" if i % 2 else "",
                      "label": ["to-decommission"] if i % 7 == 0 else []},
                     search_text(f"Payroll {i}", f"id-{i:04d}")))
    texts = [text for _, text in rows]

    def column(name):
        return [lowercase_value(fields.get(name)) for fields, _ in rows]
    for text in ["", "payroll 1", "kind:app", "kind:=app", "!kind:managed", "tier:control",
                 "!tier:", "rule:stale", "rule:=stale", "severity:", "!severity:high",
                 'owner:"jane doe" kind:m', "label:to !payroll 3", "id-00 kind:app !rule:cred",
                 "tier:=userAccess owner:jane@"]:
        query = parse_query(text)
        assert not query.errors
        expected = [i for i, (fields, search) in enumerate(rows) if query.matches(fields, search)]
        assert query.select(range(len(rows)), texts, column) == expected, text
