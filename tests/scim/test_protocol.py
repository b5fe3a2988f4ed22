"""The pure SCIM rules over plain dicts: PATCH as providers send it, filters, paging, attributes."""
from __future__ import annotations

import pytest

from advocacy.identity.scim.protocol import (
    ENTERPRISE_USER,
    PATCH_OP,
    ScimError,
    apply_patch,
    paging,
    parse_filter,
    select_attributes,
)

USER = {"id": "7", "schemas": ["core"], "userName": "ann", "active": True, "name": {"givenName": "Ann"},
        "emails": [{"value": "ann@example.com", "type": "work", "primary": True}],
        ENTERPRISE_USER: {"department": "Sales"}, "meta": {"resourceType": "User"}}
MULTI = frozenset({"emails"})


def patched(*operations):
    return apply_patch(USER, {"schemas": [PATCH_OP], "Operations": list(operations)}, MULTI)


@pytest.mark.parametrize("operation, path, expected", [
    ({"op": "Replace", "value": {"active": False}}, ("active",), False),
    ({"op": "replace", "path": "active", "value": "False"}, ("active",), "False"),  # coerced by the resource
    ({"op": "Add", "path": "name.familyName", "value": "Berg"}, ("name", "familyName"), "Berg"),
    ({"op": "replace", "value": {"name.givenName": "Anna"}}, ("name", "givenName"), "Anna"),
    ({"op": "replace", "path": f"{ENTERPRISE_USER}:department", "value": "Support"}, (ENTERPRISE_USER, "department"),
     "Support"),
    ({"op": "replace", "value": {ENTERPRISE_USER: {"department": "IT"}}}, (ENTERPRISE_USER, "department"), "IT"),
    ({"op": "replace", "path": 'emails[type eq "work"].value', "value": "a@example.com"}, ("emails", 0, "value"),
     "a@example.com"),
    ({"op": "replace", "path": 'emails[type eq "home"].value', "value": "h@example.com"}, ("emails", 1, "value"),
     "h@example.com"),
])
def test_patch_forms_of_entra_and_okta(operation, path, expected):
    result = patched(operation)
    for step in path:
        result = result[step]
    assert result == expected
    assert USER["active"] is True and USER["name"] == {"givenName": "Ann"}  # the original is untouched


def test_remove_with_a_filter_and_a_whole_extension():
    assert patched({"op": "remove", "path": 'emails[type eq "work"]'})["emails"] == []
    assert ENTERPRISE_USER not in patched({"op": "remove", "path": ENTERPRISE_USER})


@pytest.mark.parametrize("body, scim_type", [
    ({"Operations": [{"op": "replace", "value": {}}]}, "invalidSyntax"),  # not a PatchOp
    ({"schemas": [PATCH_OP], "Operations": []}, "invalidSyntax"),
    ({"schemas": [PATCH_OP], "Operations": [{"op": "move", "path": "a", "value": 1}]}, "invalidSyntax"),
    ({"schemas": [PATCH_OP], "Operations": [{"op": "remove"}]}, "noTarget"),
    ({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "a b", "value": 1}]}, "invalidPath"),
    ({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": 'emails[type co "w"]', "value": 1}]},
     "invalidFilter"),
    ({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "x", "value": 1}] * 101}, "tooMany"),
])
def test_malformed_patches_are_refused(body, scim_type):
    with pytest.raises(ScimError) as refused:
        apply_patch(USER, body, MULTI)
    assert refused.value.scim_type == scim_type and refused.value.status == 400


def test_filters_paging_and_attribute_selection():
    found = parse_filter('urn:ietf:params:scim:schemas:core:2.0:User:USERNAME eq "a\\"b"', ("userName",))
    assert (found.attribute, found.value) == ("userName", 'a"b')
    assert paging(None, None) == (1, 200) and paging("0", "500") == (1, 200) and paging("3", "-2") == (3, 0)
    assert paging(str(10**40), "5") == (2**31 - 1, 5)
    only = select_attributes(USER, "userName,name.givenName")
    assert set(only) == {"id", "schemas", "meta", "userName", "name"}
    without = select_attributes(USER, excluded=f"emails,{ENTERPRISE_USER}:department")
    assert "emails" not in without and ENTERPRISE_USER not in without and without["userName"] == "ann"
