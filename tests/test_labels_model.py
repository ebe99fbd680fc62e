"""The label document: tier override, criticality, owner of record, notes and free labels;
how changes apply, what the `label:` filter sees, and the write-back forms (tags with a
`wlx:` prefix, custom security attributes)."""

from __future__ import annotations

from datetime import date

import pytest

from models.labels import (
    accepted_until,
    apply_change,
    attribute_values,
    check_change,
    check_label,
    label_terms,
    merged_tags,
    parse_document,
    wlx_tags,
)
from tui.sync import overrides_from_labels


def test_changes_build_a_document_the_analysis_reads_as_a_tier_override():
    doc = apply_change(None, {"tier": "controlplane", "tierReason": "runs payroll",
                              "criticality": "HIGH", "ownerOfRecord": "jane@contoso.com",
                              "businessPurpose": "monthly export"},
                       by="admin@contoso.com", at="2026-11-20T09:00:00+00:00")
    doc = apply_change(doc, "To-Decommission")
    doc = apply_change(doc, "accepted-risk:2027-03-31")
    assert doc == {"tier": "ControlPlane", "tierReason": "runs payroll", "criticality": "high",
                   "ownerOfRecord": "jane@contoso.com", "businessPurpose": "monthly export",
                   "labels": ["to-decommission", "accepted-risk:2027-03-31"],
                   "by": "admin@contoso.com", "at": "2026-11-20T09:00:00+00:00"}
    override = overrides_from_labels({"sp-1": doc})["sp-1"]
    assert (override.tier, override.reason, override.by) == \
        ("ControlPlane", "runs payroll", "admin@contoso.com")


def test_a_dated_label_replaces_its_old_date_and_labels_can_be_removed():
    doc = apply_change(None, "accepted-risk:2027-03-31")
    doc = apply_change(doc, "accepted-risk:2028-01-01")
    assert doc["labels"] == ["accepted-risk:2028-01-01"]
    assert accepted_until(doc) == date(2028, 1, 1)
    doc = apply_change(doc, "to-decommission")
    doc = apply_change(doc, "to-decommission")  # no duplicates
    assert doc["labels"] == ["accepted-risk:2028-01-01", "to-decommission"]
    doc = apply_change(doc, "-accepted-risk")
    assert doc["labels"] == ["to-decommission"] and accepted_until(doc) is None
    doc = apply_change(doc, {"tier": None, "removeLabels": ["to-decommission"]})
    assert doc == {}


@pytest.mark.parametrize("change, words", [
    ("accepted-risk", "needs a date"), ("accepted-risk:2027-13-01", "needs a date"),
    ("tier:ControlPlane", "set with its own field"), ("no spaces", "a name of letters"),
    ("x:" + "v" * 65, "up to 64"), ({"tier": "Tier0"}, "one of ControlPlane"),
    ({"criticality": "urgent"}, "one of low, medium, high, critical"),
    ({"colour": "red"}, "not a label field"), ({"notes": "a\x1b[31mred"}, "control characters"),
    ({"notes": "x" * 4001}, "longer than 4000"), ("", "a name of letters"),
    ({"labels": [1, 2]}, "a list of labels"), (42, "a label (text) or an object"),
])
def test_bad_changes_are_refused_with_the_rule(change, words):
    with pytest.raises(ValueError) as caught:
        check_change(change)
    assert words in str(caught.value)


def test_the_label_filter_sees_free_labels_criticality_and_the_override():
    doc = apply_change(None, {"tier": "ManagementPlane", "criticality": "critical",
                              "addLabels": ["to-decommission", "accepted-risk:2027-03-31"]})
    assert label_terms(doc) == ("to-decommission", "accepted-risk:2027-03-31",
                                "criticality:critical", "tier-override:managementplane")
    assert label_terms({"tier": "garbage"}) == ()  # a damaged document shows no labels
    assert label_terms(None) == ()


def test_tags_write_back_keeps_every_other_tag_and_replaces_our_own():
    doc = apply_change(None, {"tier": "ControlPlane", "addLabels": ["to-decommission"]})
    assert wlx_tags(doc) == ["wlx:tier:ControlPlane", "wlx:to-decommission"]
    existing = ["WindowsAzureActiveDirectoryIntegratedApp", "wlx:old-label", "HideApp"]
    assert merged_tags(existing, doc) == ["WindowsAzureActiveDirectoryIntegratedApp",
                                          "HideApp", "wlx:tier:ControlPlane",
                                          "wlx:to-decommission"]
    assert merged_tags(existing, None) == ["WindowsAzureActiveDirectoryIntegratedApp",
                                           "HideApp"]


def test_attribute_write_back_sets_the_set_and_clears_what_is_not_set():
    doc = apply_change(None, {"tier": "ControlPlane", "addLabels": ["pci"]})
    assert attribute_values(doc, "WorkloadClassification") == {"WorkloadClassification": {
        "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
        "Tier": "ControlPlane", "Criticality": None,
        "Labels@odata.type": "#Collection(String)", "Labels": ["pci"]}}
    with pytest.raises(ValueError):
        attribute_values(doc, "bad set name")


def test_check_label_normalises_and_parse_document_refuses_unknown_keys():
    assert check_label(" Accepted-Risk:2027-03-31 ") == "accepted-risk:2027-03-31"
    with pytest.raises(ValueError, match="not a label field"):
        parse_document({"secret": "x"})
    assert parse_document({"labels": ["a", "a", "B"]}).labels == ["a", "b"]
