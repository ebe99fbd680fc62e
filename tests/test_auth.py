"""Sign-in: each --auth mode builds the right azure-identity credential, for the right
cloud's authority and Graph host, with read scopes only unless writes are asked for.
No test touches the network: credentials are built, not used (except a stand-in
credential that hands out a made-up token to the local replay)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from azure.core.credentials import AccessToken
from azure.identity import (
    AzureCliCredential,
    CertificateCredential,
    ClientSecretCredential,
    DeviceCodeCredential,
    InteractiveBrowserCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from graph.auth import (
    CLOUDS,
    DEFAULT_CLIENT_ID,
    AuthError,
    AuthOptions,
    default_mode,
    prepare_sign_in,
    principal_from_claims,
    scopes,
    sign_in,
    token_claims,
)
from graph.client import client_for
from graph.replay import ReplayServer, ReplayState
from models.recording import Recording

AUTHORITIES = {"global": "https://login.microsoftonline.com",
               "usgov": "https://login.microsoftonline.us",
               "usgov-dod": "https://login.microsoftonline.us",
               "china": "https://login.chinacloudapi.cn"}
GRAPH_HOSTS = {"global": "graph.microsoft.com", "usgov": "graph.microsoft.us",
               "usgov-dod": "dod-graph.microsoft.us", "china": "microsoftgraph.chinacloudapi.cn"}
APP_ENV = {"AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client"}


def authority_of(credential) -> str:
    """Where an azure-identity credential signs in (its private state: there is no API)."""
    if hasattr(credential, "_authority"):
        return credential._authority
    return credential._client._authority


def self_signed_pem(tmp_path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wlx test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    path = tmp_path / "app.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
                     + cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
@pytest.mark.parametrize("mode, cls", [("device-code", DeviceCodeCredential),
                                       ("browser", InteractiveBrowserCredential)])
def test_delegated_modes_sign_in_at_the_cloud_authority_with_read_scopes(mode, cls, cloud):
    sign = prepare_sign_in(AuthOptions(mode=mode, tenant="contoso.onmicrosoft.com",
                                       cloud=cloud), environ={})
    assert type(sign.credential) is cls
    assert authority_of(sign.credential) == AUTHORITIES[cloud]
    assert sign.credential._tenant_id == "contoso.onmicrosoft.com"
    assert sign.credential._client_id == DEFAULT_CLIENT_ID
    assert sign.graph_url == f"https://{GRAPH_HOSTS[cloud]}"
    host = GRAPH_HOSTS[cloud]
    assert sign.token_scopes == [f"https://{host}/{name}" for name in scopes()]
    assert all("ReadWrite" not in s for s in sign.token_scopes)
    assert sign.delegated


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_env_with_a_secret_builds_a_client_secret_credential(cloud):
    env = {**APP_ENV, "AZURE_CLIENT_SECRET": "not-a-real-secret"}
    sign = prepare_sign_in(AuthOptions(mode="env", cloud=cloud), environ=env)
    assert type(sign.credential) is ClientSecretCredential
    assert authority_of(sign.credential) == AUTHORITIES[cloud]
    assert sign.credential._tenant_id == "env-tenant"
    assert sign.token_scopes == [f"https://{GRAPH_HOSTS[cloud]}/.default"]


def test_env_with_a_certificate_and_tenant_from_the_command_line(tmp_path):
    env = {**APP_ENV, "AZURE_CLIENT_CERTIFICATE_PATH": self_signed_pem(tmp_path)}
    sign = prepare_sign_in(AuthOptions(mode="env", cloud="usgov", tenant="cli-tenant"),
                           environ=env)
    assert type(sign.credential) is CertificateCredential
    assert authority_of(sign.credential) == AUTHORITIES["usgov"]
    assert sign.credential._tenant_id == "cli-tenant"


@pytest.mark.parametrize("env, missing", [
    ({}, "AZURE_TENANT_ID"),
    ({"AZURE_TENANT_ID": "t"}, "AZURE_CLIENT_ID"),
    (APP_ENV, "AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH"),
    ({**APP_ENV, "AZURE_CLIENT_CERTIFICATE_PATH": "/nonexistent.pem"}, "is not a file"),
])
def test_env_says_which_variable_is_missing(env, missing):
    with pytest.raises(AuthError, match=missing):
        prepare_sign_in(AuthOptions(mode="env"), environ=env)


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_workload_identity_uses_the_token_file_and_the_cloud_authority(tmp_path, cloud):
    token_file = tmp_path / "token"
    token_file.write_text("federated-token-placeholder")
    env = {**APP_ENV, "AZURE_FEDERATED_TOKEN_FILE": str(token_file)}
    sign = prepare_sign_in(AuthOptions(mode="workload-identity", cloud=cloud), environ=env)
    assert type(sign.credential) is WorkloadIdentityCredential
    assert authority_of(sign.credential) == AUTHORITIES[cloud]
    assert sign.token_scopes == [f"https://{GRAPH_HOSTS[cloud]}/.default"]
    with pytest.raises(AuthError, match="AZURE_FEDERATED_TOKEN_FILE"):
        prepare_sign_in(AuthOptions(mode="workload-identity"), environ=APP_ENV)


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_managed_identity_and_azure_cli_ask_for_the_cloud_graph(cloud):
    sign = prepare_sign_in(AuthOptions(mode="managed-identity", cloud=cloud),
                           environ={"AZURE_CLIENT_ID": "user-assigned-id"})
    assert type(sign.credential) is ManagedIdentityCredential
    assert sign.token_scopes == [f"https://{GRAPH_HOSTS[cloud]}/.default"]
    cli = prepare_sign_in(AuthOptions(mode="cli", cloud=cloud, tenant="t1"), environ={})
    assert type(cli.credential) is AzureCliCredential
    assert cli.credential.tenant_id == "t1"
    assert cli.token_scopes == [f"https://{GRAPH_HOSTS[cloud]}/.default"]


@pytest.mark.parametrize("url", [None, "https://graph.microsoft.com", "http://10.0.0.5:8080",
                                 "https://127.0.0.1.evil.example"])
def test_no_sign_in_is_refused_for_anything_but_loopback(url):
    with pytest.raises(AuthError, match="loopback"):
        prepare_sign_in(AuthOptions(mode="none", graph_url=url), environ={})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:9000"])
def test_no_sign_in_is_allowed_for_the_local_replay(url):
    sign = prepare_sign_in(AuthOptions(mode="none", graph_url=url), environ={})
    assert sign.credential is None and sign.graph_url == url


def test_a_plain_http_graph_url_is_refused_for_a_real_sign_in():
    with pytest.raises(AuthError, match="https"):
        prepare_sign_in(AuthOptions(mode="device-code", graph_url="http://proxy.example"),
                        environ={})
    with pytest.raises(AuthError, match="unknown --auth"):
        prepare_sign_in(AuthOptions(mode="password"), environ={})
    with pytest.raises(AuthError, match="unknown --cloud"):
        prepare_sign_in(AuthOptions(mode="device-code", cloud="mars"), environ={})


@pytest.mark.parametrize("env, platform, mode", [
    ({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22", "DISPLAY": ":0"}, "linux", "device-code"),
    ({}, "linux", "device-code"),
    ({"DISPLAY": ":0"}, "linux", "browser"),
    ({}, "darwin", "browser"),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", "device-code"),
])
def test_the_default_mode_is_device_code_without_a_browser(env, platform, mode):
    assert default_mode(env, platform) == mode


def test_scopes_are_read_only_unless_writes_are_asked_for():
    read = scopes()
    assert {"Application.Read.All", "Directory.Read.All", "AuditLog.Read.All",
            "RoleManagement.Read.Directory", "IdentityRiskyServicePrincipal.Read.All"} <= set(read)
    assert not [s for s in read if "Write" in s]
    write = scopes(write=True)
    assert set(read) < set(write)
    assert "Application.ReadWrite.All" in write
    sign = prepare_sign_in(AuthOptions(mode="device-code", write=True), environ={})
    assert "https://graph.microsoft.com/Application.ReadWrite.All" in sign.token_scopes


def test_the_token_cache_is_used_only_when_asked(tmp_path):
    plain = prepare_sign_in(AuthOptions(mode="device-code"), environ={})
    assert plain.credential._cache_options is None and plain.record_path is None
    cached = prepare_sign_in(AuthOptions(mode="device-code", token_cache=True, tenant="t"),
                             environ={}, config_dir=tmp_path)
    assert cached.credential._cache_options is not None
    assert cached.credential._cache_options.name == "wlx"
    assert cached.record_path is not None and cached.record_path.parent == tmp_path
    assert not list(tmp_path.iterdir())  # nothing written before a sign-in


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


def test_the_principal_name_comes_from_the_token_claims():
    user = token_claims(_jwt({"upn": "admin@contoso.test", "tid": "t1"}))
    assert principal_from_claims(user).name == "admin@contoso.test"
    app = principal_from_claims(token_claims(_jwt({"app_displayname": "wlx-ci", "tid": "t2"})))
    assert (app.name, app.kind, app.tenant_id) == ("wlx-ci", "application", "t2")
    assert token_claims("not a token") == {}


class StandInCredential:
    """An azure-identity-shaped credential that hands out a made-up token (no network)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.calls.append(scopes)
        token = _jwt({"upn": "reader@contoso.test", "tid": "tenant-1"})
        return AccessToken(token, 4_000_000_000)


async def test_the_credential_signs_every_request_through_the_sdk_middleware():
    recording = Recording("tenant-1", dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    recording.bodies["v1.0/users/$count"] = 7
    server = ReplayServer(ReplayState(recording)).start()
    try:
        sign = prepare_sign_in(AuthOptions(mode="device-code", graph_url=server.base_url),
                               environ={})
        sign.credential = StandInCredential()
        principal = await sign_in(sign)
        assert principal.name == "reader@contoso.test"
        seen = []
        async with client_for(sign) as client:
            client.observers.append(lambda request, response: seen.append(request.headers))
            response = await client.get("v1.0/users/$count", {"ConsistencyLevel": "eventual"})
        assert (response.status, response.json()) == (200, 7)
        assert seen and seen[0]["Authorization"].startswith("Bearer ")
        assert sign.credential.calls[-1] == tuple(sign.token_scopes)
        assert "reader@contoso.test" in sign.describe()
    finally:
        server.stop()
