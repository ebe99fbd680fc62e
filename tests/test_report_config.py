"""The config file: defaults, [analysis] thresholds, [keys], clear errors, flags on top."""

from __future__ import annotations

import pytest

from tui.config import ConfigError, default_path, load_config, with_overrides


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "wlx").mkdir()
    return tmp_path / "wlx" / "config.toml"


def test_no_file_means_defaults(config_home):
    config = load_config()
    assert config.path is None
    assert (config.analysis.expiring_days, config.analysis.stale_days) == (30, 90)
    assert default_path() == config_home


def test_analysis_section_and_other_sections_are_read(config_home):
    config_home.write_text(
        '[analysis]\nexpiring_days = 14\ntrusted_github_orgs = ["contoso", "contoso-labs"]\n'
        'trusted_issuers = "https://sts.contoso.test/"\n\n[keys]\nfilter = "/"\n\n'
        '[later]\nanything = 1\n')
    config = load_config()
    assert config.path == config_home
    assert config.analysis.expiring_days == 14
    assert config.analysis.trusted_github_orgs == ("contoso", "contoso-labs")
    assert config.analysis.issuer_trusted("https://sts.contoso.test/oidc")
    assert config.keys == {"filter": "/"}
    assert config.sections["later"] == {"anything": 1}


@pytest.mark.parametrize("text, message", [
    ("[analysis]\nexpiring_dayz = 3\n", "expiring_dayz: unknown setting"),
    ("[analysis]\nstale_days = -1\n", "stale_days"),
    ("[analysis]\nstale_days = 'soon'\n", "stale_days"),
    ("[analysis\n", "not valid TOML"),
    ("analysis = 3\n", "[analysis] must be a table"),
    ("[keys]\nfilter = 3\n", "[keys] filter"),
])
def test_bad_config_is_a_clear_error(config_home, text, message):
    config_home.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config()
    assert message in str(error.value) and str(config_home) in str(error.value)


def test_explicit_path_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


def test_flags_override_and_extend(config_home):
    config_home.write_text('[analysis]\nunused_days = 60\ntrusted_github_orgs = ["contoso"]\n')
    base = load_config().analysis
    merged = with_overrides(base, unused_days=None, stale_days=30, trusted_github_orgs=["labs"])
    assert (merged.unused_days, merged.stale_days) == (60, 30)
    assert merged.trusted_github_orgs == ("contoso", "labs")
    with pytest.raises(ConfigError, match="expiring_days"):
        with_overrides(base, expiring_days=-5)
