"""What the server says about itself (RFC 7643 5-7): ServiceProviderConfig, ResourceTypes and the
Schemas. The schemas list only the attributes this server stores, so a provider (and scim2-tester)
sends nothing that would silently be dropped."""
from __future__ import annotations

from advocacy.identity.scim.protocol import CORE_GROUP, CORE_USER, ENTERPRISE_USER, MAX_RESULTS

SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


def service_provider_config(base_url: str) -> dict:
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://github.com/advocacy/advocacy#provisioning-scim",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                                   "description": "A token an admin creates with `flask scim token create NAME`.",
                                   "primary": True}],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def resource_types(base_url: str) -> list[dict]:
    return [
        {"schemas": [RESOURCE_TYPE], "id": "User", "name": "User", "endpoint": "/Users",
         "description": "A person", "schema": CORE_USER,
         "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": False}],
         "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/User"}},
        {"schemas": [RESOURCE_TYPE], "id": "Group", "name": "Group", "endpoint": "/Groups",
         "description": "A department or a role, as the admin configured", "schema": CORE_GROUP,
         "schemaExtensions": [],
         "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/Group"}},
    ]


def _attribute(name: str, kind: str = "string", *, required: bool = False, multi: bool = False,
               mutability: str = "readWrite", uniqueness: str = "none", description: str = "",
               sub: list[dict] | None = None, canonical: list[str] | None = None,
               references: list[str] | None = None, case_exact: bool = False) -> dict:
    attribute: dict = {"name": name, "type": kind, "multiValued": multi, "description": description or name,
                       "required": required, "caseExact": case_exact, "mutability": mutability,
                       "returned": "default", "uniqueness": uniqueness}
    if sub is not None:
        attribute["subAttributes"] = sub
    if canonical is not None:
        attribute["canonicalValues"] = canonical
    if references is not None:
        attribute["referenceTypes"] = references
    return attribute


def _schema(urn: str, name: str, description: str, attributes: list[dict], base_url: str) -> dict:
    return {"schemas": [SCHEMA], "id": urn, "name": name, "description": description, "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{urn}"}}


def schemas(base_url: str) -> list[dict]:
    user = [
        _attribute("userName", required=True, uniqueness="server",
                   description="Unique name of the person at the provider, often their sign-in address"),
        _attribute("name", "complex", sub=[_attribute("givenName"), _attribute("familyName")]),
        _attribute("displayName", description="The name shown in the app"),
        _attribute("emails", "complex", multi=True, sub=[
            _attribute("value", description="An e-mail address; the primary (else work) one signs in"),
            _attribute("type", canonical=["work", "home", "other"]),
            _attribute("primary", "boolean"),
        ]),
        # Required here: a person is active or a leaver, never unknown (a body without it means active).
        _attribute("active", "boolean", required=True,
                   description="false: a leaver (sessions end, no sign-in, no mail)"),
    ]
    enterprise = [
        _attribute("department", description="The person's department (created when new)"),
        _attribute("manager", "complex", sub=[
            _attribute("value", description="The id of the manager's User"),
            _attribute("$ref", "reference", references=["User"]),
        ]),
    ]
    group = [
        _attribute("displayName", required=True, uniqueness="server",
                   description="The department's name, or a group name mapped to a role"),
        _attribute("members", "complex", multi=True, sub=[
            _attribute("value", mutability="immutable", description="The id of a member User"),
            _attribute("$ref", "reference", mutability="immutable", references=["User"]),
            _attribute("type", mutability="immutable", canonical=["User"]),
        ]),
    ]
    return [_schema(CORE_USER, "User", "A person", user, base_url),
            _schema(ENTERPRISE_USER, "EnterpriseUser", "Department and manager", enterprise, base_url),
            _schema(CORE_GROUP, "Group", "A department or a role", group, base_url)]
