"""Declared endpoints: one table drives routing, input parsing and the OpenAPI document.

An `Endpoint` names its query and body models (pydantic); the wrapper parses them,
answers 400/413/422 in the contract's shape, and hands typed values to the handler.
The same declarations generate `/api/v1/openapi.json`, so the document cannot drift.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from comments.errors import BadRequest, Invalid, TooLarge

MAX_JSON = 64 * 1024

Handler = Callable[..., Awaitable[Response]]


@dataclass(frozen=True)
class Endpoint:
    """One HTTP operation of the public contract."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    ok: int = 200
    ok_schema: dict[str, Any] | None = None
    auth: str = "none"  # none, optional, required
    errors: tuple[int, ...] = field(default=(400, 404, 422))
    max_body: int = MAX_JSON


def pydantic_errors(exc: ValidationError) -> Invalid:
    """A 422 whose `fields` name each bad field in words."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, str(error["msg"]).removeprefix("Value error, "))
    summary = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return Invalid(summary[:500], fields=fields)


async def read_json(request: Request, limit: int = MAX_JSON) -> Any:
    """The JSON body, capped (64 KB unless the endpoint says more) and required to be UTF-8."""
    too_large = TooLarge(f"The request body is over {limit // 1024} KB.")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() not in ("application/json", ""):
        raise BadRequest("The request body must be JSON (Content-Type: application/json).")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.") from None
    except (ValueError, RecursionError):  # 64 KB of `[` nests deeper than the decoder goes
        raise BadRequest("The request body is not valid JSON.") from None


def _surrogate_path(value: Any, path: str = "") -> str | None:
    """The first field holding a lone surrogate (JSON allows `\\ud800`; UTF-8 does not)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body"
        return None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _surrogate_path(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (list, tuple)


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    """Query parameters into `model`; lists take repeated parameters."""
    params = request.query_params
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if _is_list(info.annotation):
            values = params.getlist(key)
            if values:
                data[key] = values
        elif key in params:
            data[key] = params[key]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise pydantic_errors(exc) from None


async def parse_body(
    request: Request, model: type[BaseModel], limit: int = MAX_JSON
) -> BaseModel:
    """The JSON body into `model` (strict: no type coercion, no unknown fields)."""
    data = await read_json(request, limit)
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.", fields={"body": "not an object"})
    try:
        broken = _surrogate_path(data)
        if broken is not None:
            raise Invalid(f"{broken}: is not valid text", fields={broken: "is not valid text"})
        # JSON-mode strictness: no "1" for 1 or true for 1, yet ISO strings for datetimes.
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        raise pydantic_errors(exc) from None
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None


def to_route(endpoint: Endpoint) -> Route:
    """A Starlette route that parses inputs before calling the handler."""

    async def call(request: Request) -> Response:
        kwargs: dict[str, Any] = dict(request.path_params)
        if endpoint.query is not None:
            kwargs["query"] = parse_query(request, endpoint.query)
        if endpoint.body is not None:
            kwargs["body"] = await parse_body(request, endpoint.body, endpoint.max_body)
        return await endpoint.handler(request, **kwargs)

    return Route(endpoint.path, call, methods=[endpoint.method], name=endpoint.handler.__name__)


_ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
_ERROR_DOC = {
    400: "Bad request",
    401: "Login required",
    403: "Forbidden, banned or thread closed",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    422: "Invalid field",
    429: "Rate limited",
    503: "Unavailable",
}


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def openapi(endpoints: list[Endpoint], *, title: str, version: str, server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for these endpoints."""
    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }
            },
        }
    }
    paths: dict[str, Any] = {}
    for ep in endpoints:
        operation: dict[str, Any] = {
            "summary": ep.summary,
            "operationId": ep.handler.__name__,
            "tags": [ep.tag],
            "parameters": [],
        }
        for name in re.findall(r"{(\w+)}", ep.path):
            operation["parameters"].append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
        if ep.query is not None:
            schema = ep.query.model_json_schema()
            for name, prop in schema.get("properties", {}).items():
                param: dict[str, Any] = {
                    "name": name,
                    "in": "query",
                    "required": name in schema.get("required", []),
                    "schema": prop,
                }
                if prop.get("type") == "array":
                    param.update(style="form", explode=True)
                operation["parameters"].append(param)
        if ep.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(ep.body, components)}},
            }
        ok: dict[str, Any] = {"description": "Success"}
        if ep.ok != 204:
            ok["content"] = {"application/json": {"schema": ep.ok_schema or {"type": "object"}}}
        responses: dict[str, Any] = {str(ep.ok): ok}
        codes = set(ep.errors) | {400, 429, 503}
        if ep.body is not None:
            codes |= {413, 422}
        if ep.auth != "none":
            codes.add(401)
        for code in sorted(codes):
            responses[str(code)] = {
                "description": _ERROR_DOC[code],
                "content": {"application/json": {"schema": _ERROR_SCHEMA}},
            }
        operation["responses"] = responses
        if ep.auth != "none":
            operation["security"] = [{"bearer": []}] + ([{}] if ep.auth == "optional" else [])
        paths.setdefault(ep.path, {})[ep.method.lower()] = operation
    components_doc = {
        "schemas": components,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": server}],
        "paths": paths,
        "components": components_doc,
    }
