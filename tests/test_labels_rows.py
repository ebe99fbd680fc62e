"""Labels reach the list: the cache source puts each identity's labels on its index row,
the `label:` filter of the explorer matches them, and a label change shows after
`reload_labels()`, all over a real cache snapshot on a temp dir."""

from __future__ import annotations

import pytest
from test_tui_support import make_row

from cache import Store
from models.labels import apply_change
from models.query import parse_query
from tui.cache_source import CacheSource
from tui.screens.columns import identity_fields, identity_search

TENANT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def source(tmp_path):
    store = Store(tmp_path)
    rows = [make_row(i) for i in range(5)]
    with store.tenant(TENANT).begin_snapshot({"tenantId": TENANT}) as writer:
        writer.put("index", [row.to_json() for row in rows], compress=False)
        writer.commit()
    labels = store.tenant(TENANT).labels
    labels.set(rows[1].id, apply_change(None, "to-decommission"))
    labels.set(rows[3].id, apply_change(None, {"criticality": "high",
                                               "addLabels": ["accepted-risk:2027-03-31"]}))
    labels.set(rows[4].id, {"tier": "not a tier"})  # damaged: shown without labels
    yield CacheSource(store, TENANT), rows, labels
    store.close()


def matching(source: CacheSource, text: str) -> list[str]:
    query = parse_query(text)
    return [r.id for r in source.index()
            if query.matches(identity_fields(r), identity_search(r))]


def test_rows_carry_their_labels_and_the_filter_matches_them(source):
    cache_source, rows, _ = source
    index = cache_source.index()
    assert index[1].labels == ("to-decommission",)
    assert index[3].labels == ("accepted-risk:2027-03-31", "criticality:high")
    assert index[0].labels == () and index[4].labels == ()
    assert matching(cache_source, "label:to-decom") == [rows[1].id]
    assert matching(cache_source, "label:accepted-risk") == [rows[3].id]
    assert matching(cache_source, "label:criticality:high") == [rows[3].id]
    assert len(matching(cache_source, "!label:to-decommission")) == 4


def test_a_label_change_shows_after_reload(source):
    cache_source, rows, labels = source
    assert matching(cache_source, "label:pci") == []
    labels.set(rows[0].id, apply_change(None, "pci"))
    labels.delete(rows[1].id)
    cache_source.reload_labels()
    assert matching(cache_source, "label:pci") == [rows[0].id]
    assert cache_source.index()[1].labels == ()
