"""SCIM 2.0 (RFC 7643/7644) over plain dicts: errors, filters, PATCH, attribute selection, paging.

Pure: no Flask, no database. The resources (users.py, groups.py) turn a person or a group into a
dict, PATCH is applied to that dict here, and the result is written back as a PUT would be, so
PATCH and PUT share one path into the database and one validation.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
MEDIA_TYPE = "application/scim+json"

MAX_RESULTS = 200  # the largest page; ServiceProviderConfig says so (filter.maxResults)
MAX_OPERATIONS = 100  # PATCH operations in one request


class ScimError(Exception):
    """An answer in SCIM's error format: status, scimType (RFC 7644 3.12), and what is wrong."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def body(self) -> dict:
        body = {"schemas": [ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


# -- booleans as Entra ID sends them ------------------------------------------------------------------

def as_bool(value, name: str) -> bool:
    """True/False, also the strings "True"/"False" that Entra ID sends in PATCH values."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid(f"{name} must be true or false, not {value!r}.")


# -- filters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    attribute: str  # as declared, e.g. "userName", "emails.value"
    value: str


_FILTER_RE = re.compile(r'^\s*([A-Za-z][\w$:.-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def parse_filter(text: str | None, attributes: tuple[str, ...]) -> Filter | None:
    """`attr eq "value"` for one of `attributes` (matched case-insensitively, the core schema's URN
    prefix allowed); anything else is refused with invalidFilter."""
    if text is None or not text.strip():
        return None
    match = _FILTER_RE.match(text)
    if match is None:
        raise ScimError(400, f"Unsupported filter {text!r}: only  attribute eq \"value\"  is supported "
                             f"(attributes: {', '.join(attributes)}).", "invalidFilter")
    name = strip_core_urn(match[1]).lower()
    for attribute in attributes:
        if attribute.lower() == name:
            return Filter(attribute, re.sub(r"\\(.)", r"\1", match[2]))
    raise ScimError(400, f"Filtering on {match[1]} is not supported (attributes: {', '.join(attributes)}).",
                    "invalidFilter")


def strip_core_urn(path: str) -> str:
    for urn in (CORE_USER, CORE_GROUP):
        if path.lower().startswith(urn.lower() + ":"):
            return path[len(urn) + 1:]
    return path


# -- paging --------------------------------------------------------------------------------------

def _int_parameter(raw, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid(f"{name} must be a whole number, not {raw!r}.") from None


def paging(start_index, count) -> tuple[int, int]:
    """(startIndex, count) bounded: startIndex below 1 is 1 (RFC 7644 3.4.2.4), count between 0
    and MAX_RESULTS; a number too large for the database is bounded too."""
    start = max(1, min(_int_parameter(start_index, "startIndex", 1), 2**31 - 1))
    size = max(0, min(_int_parameter(count, "count", MAX_RESULTS), MAX_RESULTS))
    return start, size


def list_response(resources: list[dict], total: int, start: int) -> dict:
    return {"schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start,
            "itemsPerPage": len(resources), "Resources": resources}


# -- attributes / excludedAttributes ----------------------------------------------------------------

ALWAYS_RETURNED = ("id", "schemas", "meta")


def _split_names(text: str | list | None) -> list[str]:
    if text is None:
        return []
    items = text if isinstance(text, list) else text.split(",")
    return [strip_core_urn(str(item).strip()) for item in items if str(item).strip()]


def _key(container: dict, name: str) -> str | None:
    for key in container:
        if key.lower() == name.lower():
            return key
    return None


def _split_path(name: str) -> tuple[str | None, list[str]]:
    """'urn:...:enterprise:2.0:User:department' -> (urn, ['department']); 'name.givenName' ->
    (None, ['name', 'givenName'])."""
    if name.lower().startswith(ENTERPRISE_USER.lower()):
        rest = name[len(ENTERPRISE_USER):].lstrip(":")
        return ENTERPRISE_USER, rest.split(".") if rest else []
    return None, name.split(".")


def select_attributes(resource: dict, attributes=None, excluded=None) -> dict:
    """The resource with only `attributes` (plus id, schemas, meta), or without `excluded`."""
    wanted, unwanted = _split_names(attributes), _split_names(excluded)
    if wanted:
        kept = {key: value for key, value in resource.items() if key in ALWAYS_RETURNED}
        for name in wanted:
            _copy_path(resource, kept, name)
        return kept
    result = copy.deepcopy(resource)
    for name in unwanted:
        if name.lower() in ALWAYS_RETURNED:
            continue
        urn, parts = _split_path(name)
        container = result.get(urn, {}) if urn else result
        _drop(container, parts)
        if urn and urn in result and not result[urn]:
            del result[urn]
    return result


def _copy_path(source: dict, target: dict, name: str) -> None:
    urn, parts = _split_path(name)
    if urn:
        if urn not in source:
            return
        source, target = source[urn], target.setdefault(urn, {})
        if not parts:
            target.update(copy.deepcopy(source))
            return
    key = _key(source, parts[0])
    if key is None:
        return
    if len(parts) == 1:
        target[key] = copy.deepcopy(source[key])
    elif isinstance(source[key], dict):
        sub = _key(source[key], parts[1])
        if sub is not None:
            target.setdefault(key, {})[sub] = copy.deepcopy(source[key][sub])
    elif isinstance(source[key], list):
        target[key] = [{k: v for k, v in item.items() if k.lower() == parts[1].lower()}
                       for item in source[key] if isinstance(item, dict)]


def _drop(container: dict, parts: list[str]) -> None:
    key = _key(container, parts[0]) if parts else None
    if key is None:
        return
    if len(parts) == 1:
        del container[key]
    elif isinstance(container[key], dict):
        sub = _key(container[key], parts[1])
        if sub is not None:
            del container[key][sub]
    elif isinstance(container[key], list):
        for item in container[key]:
            if isinstance(item, dict) and (sub := _key(item, parts[1])) is not None:
                del item[sub]


# -- PATCH ---------------------------------------------------------------------------------------

_PATH_RE = re.compile(r'^(?P<attr>[A-Za-z$][\w$-]*)(?:\[(?P<filter>[^\]]*)\])?(?:\.(?P<sub>[A-Za-z$][\w$-]*))?$')
_VALUE_FILTER_RE = re.compile(r'^\s*([A-Za-z$][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


@dataclass(frozen=True)
class Path:
    urn: str | None      # the extension the attribute is in, if any
    attribute: str
    filter: tuple[str, str] | None  # (sub-attribute, value) of `attr[sub eq "value"]`
    sub: str | None

    def container(self, resource: dict, create: bool) -> dict | None:
        if self.urn is None:
            return resource
        if create:
            return resource.setdefault(self.urn, {})
        return resource.get(self.urn)


def parse_path(text: str) -> Path:
    text = strip_core_urn(text.strip())
    urn = None
    if text.lower().startswith(ENTERPRISE_USER.lower()):
        urn, text = ENTERPRISE_USER, text[len(ENTERPRISE_USER):].lstrip(":")
    if urn and not text:  # the whole extension
        return Path(urn, "", None, None)
    match = _PATH_RE.match(text)
    if match is None:
        raise ScimError(400, f"Cannot read the PATCH path {text!r}.", "invalidPath")
    value_filter = None
    if match["filter"] is not None:
        filter_match = _VALUE_FILTER_RE.match(match["filter"])
        if filter_match is None:
            raise ScimError(400, f"Unsupported filter in the path {text!r}: only  sub eq \"value\".",
                            "invalidFilter")
        value_filter = (filter_match[1], re.sub(r"\\(.)", r"\1", filter_match[2]))
    return Path(urn, match["attr"], value_filter, match["sub"])


def apply_patch(resource: dict, body: dict, multi_valued: frozenset[str]) -> dict:
    """The resource after the PatchOp `body`, as Entra ID and Okta send it: op names in any case,
    `replace`/`add` without a path whose value holds attributes (also dotted paths and the
    enterprise URN as keys), filtered paths like emails[type eq "work"].value. `multi_valued`
    names the attributes that are lists (lower case)."""
    if not isinstance(body, dict) or PATCH_OP not in (body.get("schemas") or []):
        raise ScimError(400, f"A PATCH body is a PatchOp ({PATCH_OP}).", "invalidSyntax")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "A PATCH body needs a list of Operations.", "invalidSyntax")
    if len(operations) > MAX_OPERATIONS:
        raise ScimError(400, f"At most {MAX_OPERATIONS} operations in one PATCH.", "tooMany")
    result = copy.deepcopy(resource)
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation is an object with op, path and value.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, f"Unknown PATCH op {operation.get('op')!r}: add, replace or remove.",
                            "invalidSyntax")
        path = operation.get("path")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "A PATCH path is a string.", "invalidPath")
        if op == "remove":
            if not path:
                raise ScimError(400, "remove needs a path.", "noTarget")
            _remove(result, parse_path(path))
        elif not path:
            value = operation.get("value")
            if not isinstance(value, dict):
                raise ScimError(400, f"{op} without a path needs an object of attributes as its value.",
                                "invalidSyntax")
            for key, item in value.items():
                if key.lower() == ENTERPRISE_USER.lower() and isinstance(item, dict):
                    for sub_key, sub_item in item.items():
                        _set(result, parse_path(f"{ENTERPRISE_USER}:{sub_key}"), sub_item, op, multi_valued)
                else:
                    _set(result, parse_path(key), item, op, multi_valued)
        else:
            if "value" not in operation:
                raise ScimError(400, f"{op} needs a value.", "invalidSyntax")
            _set(result, parse_path(path), operation["value"], op, multi_valued)
    return result


def _matches(item, value_filter: tuple[str, str]) -> bool:
    if not isinstance(item, dict):
        return False
    key = _key(item, value_filter[0])
    return key is not None and str(item[key]).lower() == value_filter[1].lower()


def _set(resource: dict, path: Path, value, op: str, multi_valued: frozenset[str]) -> None:
    if path.urn and not path.attribute:
        if not isinstance(value, dict):
            raise ScimError(400, f"{path.urn} takes an object of its attributes.", "invalidValue")
        current = resource.get(path.urn)
        extension: dict = current if op == "add" and isinstance(current, dict) else {}
        resource[path.urn] = {**extension, **value}
        return
    container = path.container(resource, create=True)
    assert container is not None
    key = _key(container, path.attribute) or path.attribute
    if path.filter is not None:
        items = container.setdefault(key, [])
        if not isinstance(items, list):
            raise ScimError(400, f"{path.attribute} is not multi-valued.", "invalidPath")
        targets = [item for item in items if _matches(item, path.filter)]
        if not targets:  # Entra ID replaces emails[type eq "work"].value on people who have none yet
            targets = [{path.filter[0]: path.filter[1]}]
            items.append(targets[0])
        for item in targets:
            if path.sub:
                item[_key(item, path.sub) or path.sub] = value
            elif isinstance(value, dict):
                item.update(value)
            else:
                raise ScimError(400, f"{path.attribute}[...] needs an object as its value.", "invalidValue")
        return
    if path.sub:
        parent = container.get(key)
        if parent is None:
            parent = container[key] = {}
        if not isinstance(parent, dict):
            raise ScimError(400, f"{path.attribute} has no sub-attribute {path.sub}.", "invalidPath")
        parent[_key(parent, path.sub) or path.sub] = value
        return
    if key.lower() in multi_valued:
        values = value if isinstance(value, list) else [value]
        if op == "add":
            existing = container.get(key) or []
            container[key] = existing + [item for item in values if item not in existing]
        else:
            container[key] = values
        return
    if op == "add" and isinstance(value, dict) and isinstance(container.get(key), dict):
        container[key].update(value)
    else:
        container[key] = value


def _remove(resource: dict, path: Path) -> None:
    if path.urn and not path.attribute:
        resource.pop(path.urn, None)
        return
    container = path.container(resource, create=False)
    if container is None:
        return
    key = _key(container, path.attribute)
    if key is None:
        return
    if path.filter is not None:
        items = container[key]
        if not isinstance(items, list):
            raise ScimError(400, f"{path.attribute} is not multi-valued.", "invalidPath")
        if path.sub:
            for item in items:
                if _matches(item, path.filter) and (sub := _key(item, path.sub)) is not None:
                    del item[sub]
        else:
            container[key] = [item for item in items if not _matches(item, path.filter)]
        return
    if path.sub:
        parent = container[key]
        if isinstance(parent, dict) and (sub := _key(parent, path.sub)) is not None:
            del parent[sub]
        elif isinstance(parent, list):
            for item in parent:
                if isinstance(item, dict) and (sub := _key(item, path.sub)) is not None:
                    del item[sub]
        return
    del container[key]
