"""The config file: `$XDG_CONFIG_HOME/wlx/config.toml` (default `~/.config/wlx/config.toml`).

    [analysis]                      # thresholds and trust lists of the findings
    expiring_days = 30
    secret_max_days = 180
    certificate_max_days = 365
    unused_days = 90
    stale_days = 90
    trusted_github_orgs = ["contoso"]
    trusted_issuers = ["https://issuer.example.com"]

    [keys]                          # key bindings by binding id (`?` lists the ids)
    filter = "/"
    tab_next = "right,l,tab"

    [ui]                            # the explorer's looks
    theme = "wlx-high-contrast"     # any Textual theme (textual-dark, ansi-dark, ...)
    animations = false              # off by default; always off over SSH

A missing file means defaults. A malformed one is an error the caller shows (ConfigError),
never a crash and never silently half-read. Sections wlx does not know yet are kept in
`Config.sections` for the features that will read them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.config import AnalysisConfig

FILE_NAME = "config.toml"


class ConfigError(Exception):
    """The config file cannot be used; the message says where and why."""


@dataclass
class Config:
    path: Path | None  # None when no file was read
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    keys: dict[str, str] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "wlx"


def default_path() -> Path:
    return config_dir() / FILE_NAME


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the config file; an explicit `path` must exist, the default one may not."""
    explicit = path is not None
    target = Path(path) if explicit else default_path()
    if not target.is_file():
        if explicit:
            raise ConfigError(f"{target}: no such config file")
        return Config(path=None)
    try:
        document = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: cannot read it: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target}: not valid TOML: {exc}") from exc
    return Config(path=target, analysis=_analysis(target, document.get("analysis", {})),
                  keys=_keys(target, document.get("keys", {})), sections=document)


def _analysis(target: Path, section: Any) -> AnalysisConfig:
    if not isinstance(section, dict):
        raise ConfigError(f"{target}: [analysis] must be a table")
    try:
        return AnalysisConfig.model_validate(section)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'analysis'}: {_plain(error)}"
            for error in exc.errors())
        raise ConfigError(f"{target}: [analysis] {problems}") from None


def _plain(error: Any) -> str:
    if error.get("type") == "extra_forbidden":
        names = ", ".join(AnalysisConfig.model_fields)
        return f"unknown setting (known: {names})"
    return str(error.get("msg", "invalid value"))


def _keys(target: Path, section: Any) -> dict[str, str]:
    if not isinstance(section, dict):
        raise ConfigError(f"{target}: [keys] must be a table")
    bad = [name for name, value in section.items() if not isinstance(value, str) or not value]
    if bad:
        raise ConfigError(f"{target}: [keys] {', '.join(bad)}: a key binding is a non-empty "
                          "string such as \"ctrl+f\" or \"j,down\"")
    return dict(section)


def with_overrides(config: AnalysisConfig, **changes: Any) -> AnalysisConfig:
    """The analysis config with command-line flags applied (None means "not given")."""
    given = {k: v for k, v in changes.items() if v is not None}
    for name in ("trusted_github_orgs", "trusted_issuers"):
        if name in given:  # flags add to the config file's list
            given[name] = tuple(getattr(config, name)) + tuple(given[name])
    try:
        return AnalysisConfig.model_validate({**config.model_dump(), **given})
    except ValidationError as exc:
        raise ConfigError("; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e.get('msg')}" for e in exc.errors())) from None
