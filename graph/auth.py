"""Sign-in: which azure-identity credential `--auth` builds, for which cloud, with which scopes.

    sign = prepare_sign_in(AuthOptions(mode="device-code", tenant="contoso.com", cloud="usgov"))
    principal = await sign_in(sign)          # the first token; interactive prompts happen here
    client = graph.client.client_for(sign)   # the Graph client on msgraph-sdk's adapter

wlx never writes a token. azure-identity keeps tokens in memory; its own encrypted
persistent cache is used only when the user opts in (`--token-cache`), and then wlx keeps
the non-secret AuthenticationRecord (account name and ids) so the next start signs in
silently. `none` sends no credential at all and is refused for anything but loopback (the
local replay Graph). azure-identity is imported inside the functions that build a
credential, so `wlx --help` and the warm start never load it.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from models.recording import KINDS

MODES = ("device-code", "browser", "cli", "env", "managed-identity", "workload-identity", "none")
DELEGATED_MODES = ("device-code", "browser")
# "Microsoft Graph Command Line Tools": Microsoft's public client made for admin tools that
# ask for Graph scopes at sign-in (dynamic consent); override with --client-id
DEFAULT_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"


@dataclass(frozen=True)
class Cloud:
    name: str
    graph_host: str
    authority_host: str
    label: str

    @property
    def graph_url(self) -> str:
        return f"https://{self.graph_host}"

    @property
    def authority(self) -> str:
        return f"https://{self.authority_host}"


CLOUDS: dict[str, Cloud] = {
    "global": Cloud("global", "graph.microsoft.com", "login.microsoftonline.com",
                    "global (and GCC)"),
    "usgov": Cloud("usgov", "graph.microsoft.us", "login.microsoftonline.us",
                   "US Government L4 (GCC High)"),
    "usgov-dod": Cloud("usgov-dod", "dod-graph.microsoft.us", "login.microsoftonline.us",
                       "US Government L5 (DoD)"),
    "china": Cloud("china", "microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn",
                   "China (21Vianet)"),
}

# what the write permissions allow (the cleanup actions of a later issue; GRAPH-FACTS.md)
WRITE_PERMISSIONS: dict[str, str] = {
    "Application.ReadWrite.All": "disable service principals, remove secrets, certificates, "
    "federated credentials and owners, delete and restore app registrations",
    "AppRoleAssignment.ReadWrite.All": "remove application permissions (app role assignments)",
    "DelegatedPermissionGrant.ReadWrite.All": "remove delegated permission grants",
}
# read, not required: wlx shows the data when the permission is there
OPTIONAL_PERMISSIONS: dict[str, str] = {
    "CustomSecAttributeAssignment.Read.All": "custom security attributes of service "
    "principals (also needs the Attribute Assignment Reader role)",
}


def read_permissions() -> dict[str, list[str]]:
    """Each read permission wlx asks for, with what it unlocks (from models.recording.KINDS)."""
    unlocks: dict[str, list[str]] = {}
    for kind in KINDS:
        unlocks.setdefault(kind.permission, []).append(kind.unlocks)
    return unlocks


def scopes(write: bool = False) -> list[str]:
    """The Graph permission names wlx needs: read only, unless writes are asked for."""
    names = list(read_permissions())
    if write:
        names += [name for name in WRITE_PERMISSIONS if name not in names]
    return names


class AuthError(Exception):
    """Sign-in cannot be set up or failed; the message tells the admin what to do."""


@dataclass
class Principal:
    """Who is signed in, as far as the token says (never the token itself)."""

    name: str = ""
    tenant_id: str = ""
    kind: str = ""  # "user" or "application"


@dataclass(frozen=True)
class AuthOptions:
    mode: str | None = None  # None: device-code over SSH or without a display, else browser
    tenant: str | None = None
    cloud: str = "global"
    graph_url: str | None = None  # another Graph endpoint, e.g. the local replay
    token_cache: bool = False
    client_id: str | None = None
    write: bool = False
    # device code flow: called with (verification URL, user code, expiry) instead of printing
    device_code_prompt: Callable[[str, str, datetime], None] | None = None


@dataclass
class SignIn:
    """A prepared sign-in: the credential (not used yet), where it signs in and for what."""

    mode: str
    cloud: Cloud
    graph_url: str  # scheme and host, no version
    credential: Any | None
    token_scopes: list[str]
    authority: str | None
    tenant: str | None
    record_path: Path | None = None  # where the AuthenticationRecord lives (--token-cache)
    principal: Principal = field(default_factory=Principal)

    @property
    def delegated(self) -> bool:
        return self.mode in DELEGATED_MODES

    def describe(self) -> str:
        where = f"{self.cloud.label} cloud, Graph {self.graph_url}"
        if self.mode == "none":
            return f"no sign-in ({where})"
        who = f" as {self.principal.name}" if self.principal.name else ""
        return f"{self.mode} sign-in{who} ({where})"


def default_mode(environ: Mapping[str, str] | None = None,
                 platform: str | None = None) -> str:
    """device-code over SSH or with no display to open a browser on; browser otherwise."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return "device-code"
    if plat.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "device-code"
    return "browser"


def is_loopback(url: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: a name like 127.0.0.1.example.com is not."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _graph_url(options: AuthOptions, cloud: Cloud) -> str:
    if not options.graph_url:
        return cloud.graph_url
    split = urlsplit(options.graph_url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise AuthError(f"--graph-url {options.graph_url!r} is not an http(s) URL")
    if split.scheme == "http" and not is_loopback(options.graph_url):
        raise AuthError("--graph-url must use https unless it is a loopback address "
                        "(127.0.0.1 or localhost)")
    if split.path.strip("/") in ("v1.0", "beta"):
        raise AuthError("--graph-url takes the scheme and host only, without /v1.0 or /beta")
    return f"{split.scheme}://{split.netloc}"


def _env(environ: Mapping[str, str], name: str, mode: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise AuthError(f"--auth {mode} needs the environment variable {name}")
    return value


def prepare_sign_in(options: AuthOptions, environ: Mapping[str, str] | None = None,
                    config_dir: Path | None = None) -> SignIn:
    """Build the credential for `options` without touching the network."""
    env = os.environ if environ is None else environ
    mode = options.mode or default_mode(env)
    if mode not in MODES:
        raise AuthError(f"unknown --auth {mode!r}: choose one of {', '.join(MODES)}")
    cloud = CLOUDS.get(options.cloud)
    if cloud is None:
        raise AuthError(f"unknown --cloud {options.cloud!r}: choose one of "
                        f"{', '.join(CLOUDS)}")
    graph_url = _graph_url(options, cloud)
    if mode == "none":
        if not options.graph_url or not is_loopback(graph_url):
            raise AuthError("--auth none sends requests without any credential: it is only "
                            "allowed with a loopback --graph-url (the local replay from "
                            "`wlx serve`), e.g. --graph-url http://127.0.0.1:8080")
        return SignIn(mode, cloud, graph_url, None, [], None, options.tenant)
    names = scopes(options.write)
    if mode in DELEGATED_MODES:
        token_scopes = [f"https://{cloud.graph_host}/{name}" for name in names]
    else:  # app-only tokens carry the permissions granted to the app: ask for .default
        token_scopes = [f"https://{cloud.graph_host}/.default"]
    sign = SignIn(mode, cloud, graph_url, None, token_scopes, cloud.authority, options.tenant)
    sign.credential = _credential(mode, options, cloud, env, sign, config_dir)
    return sign


def _cache_options(options: AuthOptions) -> dict[str, Any]:
    if not options.token_cache:
        return {}
    from azure.identity import TokenCachePersistenceOptions

    # encrypted by the OS keyring; azure-identity refuses to fall back to plain text
    return {"cache_persistence_options": TokenCachePersistenceOptions(name="wlx")}


def _record_path(options: AuthOptions, cloud: Cloud, mode: str,
                 config_dir: Path | None) -> Path:
    base = config_dir
    if base is None:
        xdg = os.environ.get("XDG_CONFIG_HOME") or ""
        base = (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config")
        base = base / "wlx"
    tenant = "".join(c if c.isalnum() or c in ".-" else "_"
                     for c in (options.tenant or "organizations"))
    return base / f"sign-in-{cloud.name}-{tenant}-{mode}.json"


def _credential(mode: str, options: AuthOptions, cloud: Cloud, env: Mapping[str, str],
                sign: SignIn, config_dir: Path | None) -> Any:
    import azure.identity as identity

    tenant = options.tenant or env.get("AZURE_TENANT_ID") or None
    authority = cloud.authority
    cache = _cache_options(options)
    if mode in DELEGATED_MODES:
        kwargs: dict[str, Any] = {
            "tenant_id": tenant or "organizations",
            "client_id": options.client_id or DEFAULT_CLIENT_ID,
            "authority": authority, **cache,
        }
        if options.token_cache:
            sign.record_path = _record_path(options, cloud, mode, config_dir)
            record = _load_record(sign.record_path)
            if record is not None:
                kwargs["authentication_record"] = record
        if mode == "device-code":
            if options.device_code_prompt is not None:
                kwargs["prompt_callback"] = options.device_code_prompt
            return identity.DeviceCodeCredential(**kwargs)
        return identity.InteractiveBrowserCredential(**kwargs)
    if mode == "cli":
        # the Azure CLI signs in to the cloud it is set to (`az cloud set`), not ours
        return identity.AzureCliCredential(tenant_id=tenant) if tenant else \
            identity.AzureCliCredential()
    if mode == "env":
        tenant = tenant or _env(env, "AZURE_TENANT_ID", mode)
        client_id = options.client_id or _env(env, "AZURE_CLIENT_ID", mode)
        if env.get("AZURE_CLIENT_SECRET"):
            return identity.ClientSecretCredential(tenant, client_id, env["AZURE_CLIENT_SECRET"],
                                                   authority=authority, **cache)
        if env.get("AZURE_CLIENT_CERTIFICATE_PATH"):
            path = env["AZURE_CLIENT_CERTIFICATE_PATH"]
            if not Path(path).is_file():
                raise AuthError(f"AZURE_CLIENT_CERTIFICATE_PATH {path!r} is not a file")
            password = env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None
            try:
                return identity.CertificateCredential(
                    tenant, client_id, path, password=password, authority=authority, **cache)
            except ValueError as exc:
                raise AuthError(f"cannot use the certificate {path!r}: {exc}") from None
        raise AuthError("--auth env needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH "
                        "(with AZURE_TENANT_ID and AZURE_CLIENT_ID)")
    if mode == "managed-identity":
        client_id = options.client_id or env.get("AZURE_CLIENT_ID") or None
        return identity.ManagedIdentityCredential(client_id=client_id) if client_id else \
            identity.ManagedIdentityCredential()
    # workload-identity: a federated token file, e.g. from AKS or a CI system
    tenant = tenant or _env(env, "AZURE_TENANT_ID", mode)
    client_id = options.client_id or _env(env, "AZURE_CLIENT_ID", mode)
    token_file = _env(env, "AZURE_FEDERATED_TOKEN_FILE", mode)
    return identity.WorkloadIdentityCredential(tenant_id=tenant, client_id=client_id,
                                               token_file_path=token_file,
                                               authority=authority)


def _load_record(path: Path) -> Any:
    from azure.identity import AuthenticationRecord

    try:
        return AuthenticationRecord.deserialize(path.read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record yet (or a damaged one): sign in interactively once


def _save_record(path: Path, record: Any) -> None:
    """The AuthenticationRecord holds the account name and ids, no secret; owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(record.serialize())


def token_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT access token (no signature check: only to name the principal)."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    user = claims.get("upn") or claims.get("preferred_username") or claims.get("unique_name")
    if user:
        return Principal(str(user), str(claims.get("tid") or ""), "user")
    app = claims.get("app_displayname") or claims.get("appid") or claims.get("azp") or ""
    return Principal(str(app), str(claims.get("tid") or ""), "application" if app else "")


def _first_token(sign: SignIn) -> Any:
    credential = sign.credential
    if sign.record_path is not None and getattr(credential, "_auth_record", None) is None:
        record = credential.authenticate(scopes=sign.token_scopes)
        _save_record(sign.record_path, record)
    return credential.get_token(*sign.token_scopes)


async def sign_in(sign: SignIn) -> Principal:
    """Get the first token (in a thread: device code and browser flows block) and name who
    signed in. Raises AuthError with azure-identity's explanation when sign-in fails."""
    if sign.credential is None:
        return sign.principal
    from azure.core.exceptions import ClientAuthenticationError

    try:
        token = await asyncio.to_thread(_first_token, sign)
    except ClientAuthenticationError as exc:
        raise AuthError(f"{sign.mode} sign-in failed: {exc.message or exc}") from None
    sign.principal = principal_from_claims(token_claims(token.token))
    return sign.principal


class ThreadedCredential:
    """An azure-identity credential whose get_token runs in a thread, one call at a time.

    azure-identity's sync credentials block (a refresh is an HTTP call; the device code flow
    polls for minutes); kiota awaits whatever get_token returns, so returning a coroutine
    keeps the event loop, and the app on it, responsive.
    """

    def __init__(self, credential: Any) -> None:
        self.credential = credential
        self._lock: asyncio.Lock | None = None

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self._get_token(scopes, kwargs)

    async def _get_token(self, scopes: tuple[str, ...], kwargs: dict[str, Any]) -> Any:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # concurrent requests share one sign-in, not one prompt each
            return await asyncio.to_thread(self.credential.get_token, *scopes, **kwargs)


def authentication_provider(sign: SignIn) -> Any:
    """The kiota authentication provider for this sign-in (anonymous for `none`)."""
    if sign.credential is None:
        from kiota_abstractions.authentication import AnonymousAuthenticationProvider

        return AnonymousAuthenticationProvider()
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )

    host = urlsplit(sign.graph_url).hostname or sign.cloud.graph_host
    return AzureIdentityAuthenticationProvider(
        ThreadedCredential(sign.credential), scopes=sign.token_scopes, allowed_hosts=[host])
