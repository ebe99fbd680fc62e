"""The analysis thresholds and trust lists an admin can set (config file `[analysis]`, flags)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AnalysisConfig(BaseModel):
    """What the findings compare against. Defaults follow issue 4."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expiring_days: int = Field(30, ge=0, description="a credential ending within this is expiring")
    secret_max_days: int = Field(180, ge=1, description="longest acceptable client secret")
    certificate_max_days: int = Field(365, ge=1, description="longest acceptable certificate")
    unused_days: int = Field(90, ge=1, description="a credential unused this long is unused")
    stale_days: int = Field(90, ge=1, description="an identity without sign-in this long is stale")
    trusted_github_orgs: tuple[str, ...] = Field(
        (), description="GitHub organisations (names or numeric owner ids) whose workflows "
        "may hold federated credentials")
    trusted_issuers: tuple[str, ...] = Field(
        (), description="extra OIDC issuers trusted for federated credentials (exact URL, or a "
        "prefix ending in '/' or '*')")

    @field_validator("trusted_github_orgs", "trusted_issuers", mode="before")
    @classmethod
    def _strings(cls, value: object) -> object:
        if isinstance(value, str):
            return (value,)
        return value

    def github_org_trusted(self, org: str | None, owner_id: str | None = None) -> bool:
        trusted = {item.strip().lower() for item in self.trusted_github_orgs if item.strip()}
        return bool((org and org.lower() in trusted) or (owner_id and owner_id in trusted))

    def issuer_trusted(self, issuer: str) -> bool:
        wanted = issuer.strip().rstrip("/").lower()
        for item in self.trusted_issuers:
            entry = item.strip().lower()
            if not entry:
                continue
            if entry.endswith("*") or entry.endswith("/") and entry != "/":
                if wanted.startswith(entry.rstrip("*")) or wanted + "/" == entry:
                    return True
            elif wanted == entry.rstrip("/"):
                return True
        return False
