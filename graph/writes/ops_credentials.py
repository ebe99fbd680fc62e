"""Operations on credentials: client secrets, certificates and federated credentials.

- A secret goes with `POST /{applications|servicePrincipals}/{id}/removePassword {"keyId"}`;
  its value is gone for good (Graph never returns it), so it cannot be undone.
- A certificate goes with a PATCH of `keyCredentials` holding every other key, each with
  its public `key` (read first with `$select=keyCredentials`): `removeKey` needs a
  proof-of-possession token signed by one of the app's own keys, which an admin has not.
  The removed key credential is public data and is journalled whole, so undo can PATCH it
  back.
- A federated credential goes with `DELETE /applications/{id}/federatedIdentityCredentials/
  {fid}`; undo creates it again from its journalled definition (with a new id).
Never journalled: secret values (Graph does not return them) or a secret's `hint`.
"""

from __future__ import annotations

from typing import Any

from graph.writes.base import GraphReads, GraphRequest, Inspection, Operation, RemoveListed, \
    gone_already, ps_hashtable, quote_ps
from graph.writes.ops_principal import MI_BLOCKED, read_object
from graph.writes.sender import Answer

PARENTS = {"application": "applications", "servicePrincipal": "servicePrincipals"}
SECRET_FIELDS = ("keyId", "displayName", "startDateTime", "endDateTime")
FIC_FIELDS = ("name", "issuer", "subject", "audiences", "description")
SECRET_GONE = ("a removed client secret's value is gone for good: it cannot be restored; "
               "whatever still uses it stops signing in and needs a new secret")


def who(object_type: str) -> tuple[str, str, str]:
    """(collection, PowerShell noun, PowerShell id parameter)."""
    if object_type == "servicePrincipal":
        return "servicePrincipals", "ServicePrincipal", "ServicePrincipalId"
    return "applications", "Application", "ApplicationId"


async def read_credentials(graph: GraphReads, object_type: str, object_id: str
                           ) -> tuple[dict[str, Any] | None, str]:
    return await read_object(graph, PARENTS[object_type], object_id,
                             "passwordCredentials,keyCredentials")


def _keys(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [k for k in obj.get("keyCredentials") or [] if isinstance(k, dict)]


class RemoveCredential(Operation):
    """remove-credential {objectType, objectId, keyId}: a secret or a certificate."""

    ids = ("objectId", "keyId")

    @property
    def target(self) -> str:
        return self.action["objectId"]

    @property
    def parent(self) -> str:
        return PARENTS[self.action["objectType"]]

    def describe(self, name: str = "") -> str:
        where = "service principal" if self.parent == "servicePrincipals" else "application"
        return f"remove the credential {self.action['keyId']} from the {where} {name or self.target}"

    def reads(self) -> list[GraphRequest]:
        return [GraphRequest("GET", f"v1.0/{self.parent}/{self.target}?$select=id,"
                             "passwordCredentials,keyCredentials")]

    async def inspect(self, graph: GraphReads) -> Inspection:
        obj, why = await read_credentials(graph, self.action["objectType"], self.target)
        if obj is None:
            if why == MI_BLOCKED:
                return Inspection(blocked=why)
            return Inspection(done=True, why=why)
        key_id = self.action["keyId"]
        for secret in obj.get("passwordCredentials") or []:
            if isinstance(secret, dict) and secret.get("keyId") == key_id:
                return Inspection({"type": "secret", "displayName": obj.get("displayName"),
                                   "credential": {k: secret.get(k) for k in SECRET_FIELDS}})
        keys = _keys(obj)
        found = [k for k in keys if k.get("keyId") == key_id]
        if not found:
            return Inspection(done=True, why="already removed")
        remaining = [k for k in keys if k.get("keyId") != key_id]
        if any(not k.get("key") for k in remaining):
            return Inspection(blocked="Graph did not return the public keys of the other "
                              "certificates, which the update must carry")
        return Inspection({"type": "certificate", "displayName": obj.get("displayName"),
                           "credential": found[0], "remaining": remaining})

    def planned(self, hint: str = "") -> list[GraphRequest]:
        secret = GraphRequest("POST", f"v1.0/{self.parent}/{self.target}/removePassword",
                              {"keyId": self.action["keyId"]},
                              note="" if hint == "secret" else "if it is a client secret")
        cert = GraphRequest("PATCH", f"v1.0/{self.parent}/{self.target}",
                            {"keyCredentials": "<every other key credential, as read just "
                             "before, with its public key>"},
                            note="" if hint == "certificate" else "if it is a certificate")
        if hint == "secret":
            return [secret]
        if hint == "certificate":
            return [cert]
        return [secret, cert]

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        if prior.get("type") == "certificate":
            return [GraphRequest("PATCH", f"v1.0/{self.parent}/{self.target}",
                                 {"keyCredentials": prior.get("remaining") or []})]
        return [GraphRequest("POST", f"v1.0/{self.parent}/{self.target}/removePassword",
                             {"keyId": self.action["keyId"]})]

    def check_answer(self, request: GraphRequest, answer: Answer) -> str | None:
        return gone_already(request, answer) if request.method == "POST" else None

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        if prior.get("type") != "certificate" or not prior.get("credential"):
            return None
        return AddKeyCredential({"action": "add-key-credential",
                                 "objectType": self.action["objectType"],
                                 "objectId": self.target, "keyCredential": prior["credential"]})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        kind = (prior or {}).get("type")
        if kind == "certificate":
            return "undo adds the certificate back (its public key is journalled)"
        if kind == "secret":
            return SECRET_GONE
        return f"a certificate can be added back by undo; {SECRET_GONE}"

    def irreversible_note(self, hint: str = "") -> str | None:
        if hint == "certificate":
            return None
        return SECRET_GONE if hint == "secret" else f"if it is a client secret: {SECRET_GONE}"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        _, noun, param = who(self.action["objectType"])
        oid, key = quote_ps(self.target), quote_ps(self.action["keyId"])
        secret = f"Remove-Mg{noun}Password -{param} {oid} -KeyId {key}"
        cert = [f"$keys = (Get-Mg{noun} -{param} {oid} -Property keyCredentials)"
                f".KeyCredentials | Where-Object KeyId -ne {key}",
                f"Update-Mg{noun} -{param} {oid} -KeyCredentials $keys"]
        kind = (prior or {}).get("type")
        if kind == "secret":
            return [secret]
        if kind == "certificate":
            return cert
        return [f"# a client secret: {secret}", "# a certificate:", *cert]


class AddKeyCredential(Operation):
    """add-key-credential {objectType, objectId, keyCredential}: the undo of a removed
    certificate (the keyCredential carries its public key)."""

    ids = ("objectId",)

    @property
    def target(self) -> str:
        return self.action["objectId"]

    @property
    def key(self) -> dict[str, Any]:
        return dict(self.action.get("keyCredential") or {})

    def describe(self, name: str = "") -> str:
        return f"add the certificate {self.key.get('keyId')} back to {name or self.target}"

    async def inspect(self, graph: GraphReads) -> Inspection:
        obj, why = await read_credentials(graph, self.action["objectType"], self.target)
        if obj is None:
            return Inspection(blocked=why)
        keys = _keys(obj)
        if any(k.get("keyId") == self.key.get("keyId") for k in keys):
            return Inspection(done=True, why="the certificate is there already")
        if any(not k.get("key") for k in keys):
            return Inspection(blocked="Graph did not return the public keys of the other "
                              "certificates, which the update must carry")
        return Inspection({"current": keys})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        keys = [*(prior.get("current") or []), self.key]
        return [GraphRequest("PATCH", f"v1.0/{PARENTS[self.action['objectType']]}/"
                             f"{self.target}", {"keyCredentials": keys})]

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return RemoveCredential({"action": "remove-credential",
                                 "objectType": self.action["objectType"],
                                 "objectId": self.target, "keyId": self.key.get("keyId")})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo removes the certificate again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        _, noun, param = who(self.action["objectType"])
        oid = quote_ps(self.target)
        return [f"$keys = @((Get-Mg{noun} -{param} {oid} -Property keyCredentials)"
                ".KeyCredentials) + @(<the journalled key credential>)",
                f"Update-Mg{noun} -{param} {oid} -KeyCredentials $keys"]


class RemoveFederatedCredential(RemoveListed):
    """remove-federated-credential {applicationId, federatedCredentialId}."""

    ids = ("applicationId", "federatedCredentialId")
    item_field, prior_key = "federatedCredentialId", "credential"
    prior_fields = (*FIC_FIELDS, "claimsMatchingExpression")

    @property
    def target(self) -> str:
        return self.action["applicationId"]

    @property
    def path(self) -> str:
        return f"v1.0/applications/{self.target}/federatedIdentityCredentials"

    def describe(self, name: str = "") -> str:
        return (f"remove the federated credential {self.item_id} from the application "
                f"{name or self.target}")

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        if not prior.get("credential"):
            return None
        return AddFederatedCredential({"action": "add-federated-credential",
                                       "applicationId": self.target,
                                       "credential": prior["credential"]})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return ("undo creates it again from its journalled definition (issuer, subject, "
                "audiences), with a new id")

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"Remove-MgApplicationFederatedIdentityCredential -ApplicationId "
                f"{quote_ps(self.target)} -FederatedIdentityCredentialId "
                f"{quote_ps(self.action['federatedCredentialId'])}"]


class AddFederatedCredential(Operation):
    """add-federated-credential {applicationId, credential}: the undo of a removal."""

    ids = ("applicationId",)

    @property
    def target(self) -> str:
        return self.action["applicationId"]

    @property
    def credential(self) -> dict[str, Any]:
        return dict(self.action.get("credential") or {})

    @property
    def path(self) -> str:
        # flexible credentials (claimsMatchingExpression) exist in beta only
        version = "beta" if self.credential.get("claimsMatchingExpression") else "v1.0"
        return f"{version}/applications/{self.target}/federatedIdentityCredentials"

    def describe(self, name: str = "") -> str:
        return (f"add the federated credential '{self.credential.get('name')}' back to the "
                f"application {name or self.target}")

    async def inspect(self, graph: GraphReads) -> Inspection:
        items = await graph.read_all(f"v1.0/applications/{self.target}/"
                                     "federatedIdentityCredentials")
        if items is None:
            return Inspection(blocked=f"the application {self.target} does not exist")
        name = str(self.credential.get("name") or "").lower()
        for item in items:
            if str(item.get("name") or "").lower() == name:
                same = all(item.get(k) == self.credential.get(k)
                           for k in ("issuer", "subject", "audiences"))
                if same:
                    return Inspection({"created": item.get("id")}, True, "it is there already")
                return Inspection(blocked=f"another federated credential named "
                                  f"'{item.get('name')}' exists now")
        return Inspection({})

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        body = {k: v for k, v in self.credential.items() if v is not None}
        return [GraphRequest("POST", self.path, body)]

    def result(self, answers: list[Any]) -> dict[str, Any]:
        created = answers[0] if answers and isinstance(answers[0], dict) else {}
        return {"created": created.get("id")} if created.get("id") else {}

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        if not prior.get("created"):
            return None
        return RemoveFederatedCredential({"action": "remove-federated-credential",
                                          "applicationId": self.target,
                                          "federatedCredentialId": prior["created"]})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo removes it again"

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return [f"New-MgApplicationFederatedIdentityCredential -ApplicationId "
                f"{quote_ps(self.target)} -BodyParameter {ps_hashtable(self.credential)}"]
