"""The credentials view reads a table stored at sync time; it must show exactly what the
identities' details hold (the path older snapshots still take)."""

from __future__ import annotations

from tests.test_tui_support import demo_source
from tui.rows import CredentialPart, credential_rows, rows_from_table


def _from_details(source) -> list:
    rows = []
    for identity in source.index():
        blob = source.snapshot.detail(identity.id)
        if identity.credential_count and blob is not None:
            rows.extend(credential_rows(identity, CredentialPart.model_validate_json(blob)))
    return rows


def test_the_stored_table_holds_every_credential_of_the_details():
    source = demo_source()
    stored = source.credentials()
    expected = _from_details(source)
    assert len(stored) > 100  # the demo has hundreds of credentials
    assert {r.type for r in stored} >= {"secret", "certificate", "federated"}
    assert sorted(stored, key=lambda r: r.row_id) == sorted(expected, key=lambda r: r.row_id)
    flagged = [r for r in stored if "credential-expired" in r.rules]
    assert flagged and all(r.status == "expired" for r in flagged)


def test_a_table_of_another_layout_is_not_trusted():
    source = demo_source()
    table = source.snapshot.get("credentials")
    assert rows_from_table(table, source.index()) is not None
    assert rows_from_table({**table, "fields": ["type"]}, source.index()) is None
    assert rows_from_table(None, source.index()) is None
    broken = {**table, "rows": {k: [[1, 2]] for k in table["rows"]}}
    assert rows_from_table(broken, source.index()) is None
