"""Declared endpoints: one table drives routing, input parsing, auth and the OpenAPI document.

An `Endpoint` names its query and body models (pydantic) and who may call it; the
wrapper checks every incoming string (`comments.http.inputs`), parses the inputs,
answers 400/404/413/422 in the contract's shape, resolves the caller once, and hands
typed values to the handler: `query=`, `body=`, path parameters, `viewer=`. The same
declarations generate `/api/v1/openapi.json`, so the document cannot drift.
"""

from __future__ import annotations

import asyncio
import json
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from comments.errors import BadRequest, Invalid, TooLarge
from comments.http.auth import Auth, resolve_viewer
from comments.http.context import context_of
from comments.http.inputs import check_path, validated

MAX_JSON = 64 * 1024
BODY_TIMEOUT = 10.0

Handler = Callable[..., Awaitable[Response]]
# Which site a login must be for. any: the service decides (the `site` path parameter,
# if any, reaches the handler as a string); path: the `{site}` is looked up first (404)
# and reaches the handler as the `Site`, and a token must be for it; query: a token
# must be for the query's `site`.
SiteRule = Literal["any", "path", "query"]


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
    auth: Auth = "none"
    errors: tuple[int, ...] = field(default=(400, 404, 422))
    max_body: int = MAX_JSON
    site: SiteRule = "any"
    body_optional: bool = False  # no body at all means the body model's defaults
    ok_media: str = "application/json"  # what a success is (the embed fragment: HTML)

    def __post_init__(self) -> None:
        if self.site == "path" and "{site}" not in self.path:
            raise ValueError(f"{self.path}: site='path' needs a {{site}} in the path")
        if self.site == "query" and (self.query is None or "site" not in self.query.model_fields):
            raise ValueError(f"{self.path}: site='query' needs a query model with `site`")


async def read_json(request: Request, limit: int = MAX_JSON, seconds: float = BODY_TIMEOUT) -> Any:
    """The JSON body, capped (64 KB unless the endpoint says more), in time, and UTF-8."""
    too_large = TooLarge(f"The request body is over {limit // 1024} KB.")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        # A client that promises more than it sends must not hold a worker forever.
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise BadRequest(f"The request body did not arrive within {seconds:g} s.") from None
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


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (list, tuple)


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    """Query parameters into `model`, every string checked; lists take repeated parameters."""
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
    return validated(model, data)


async def parse_body(
    request: Request, model: type[BaseModel], limit: int = MAX_JSON, seconds: float = BODY_TIMEOUT
) -> BaseModel:
    """The JSON body into `model` (strict: no type coercion, no unknown fields)."""
    data = await read_json(request, limit, seconds)
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.", fields={"body": "not an object"})
    try:
        return validated(model, data, strict_json=True)
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None


def _no_body(request: Request) -> bool:
    headers = request.headers
    return headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers


def to_route(endpoint: Endpoint) -> Route:
    """A Starlette route that checks inputs and the caller before calling the handler."""

    async def call(request: Request) -> Response:
        context = context_of(request)
        check_path(request.path_params)
        kwargs: dict[str, Any] = dict(request.path_params)
        query: BaseModel | None = None
        if endpoint.query is not None:
            kwargs["query"] = query = parse_query(request, endpoint.query)
        if endpoint.body is not None and endpoint.body_optional and _no_body(request):
            kwargs["body"] = endpoint.body()
        elif endpoint.body is not None:
            seconds = context.settings.body_timeout_seconds
            kwargs["body"] = await parse_body(request, endpoint.body, endpoint.max_body, seconds)
        bound: str | None = None
        if endpoint.site == "path":
            site = await context.service.sites.get(kwargs["site"])
            kwargs["site"], bound = site, site.name
        elif endpoint.site == "query":
            bound = getattr(query, "site", None)
        if endpoint.auth != "none":
            kwargs["viewer"] = await resolve_viewer(request, endpoint.auth, bound)
        return await endpoint.handler(request, **kwargs)

    return Route(endpoint.path, call, methods=[endpoint.method], name=endpoint.handler.__name__)


_PATH_PARAM = r"{(\w+)(?::\w+)?}"
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
    500: "Internal error (the body names the request id the log carries)",
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
                        "request_id": {"type": "string"},
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
        for name in re.findall(_PATH_PARAM, ep.path):
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
                "required": not ep.body_optional,
                "content": {"application/json": {"schema": _schema(ep.body, components)}},
            }
        ok: dict[str, Any] = {"description": "Success"}
        if ep.ok != 204:
            fallback = {"type": "object" if ep.ok_media == "application/json" else "string"}
            ok["content"] = {ep.ok_media: {"schema": ep.ok_schema or fallback}}
        responses: dict[str, Any] = {str(ep.ok): ok}
        codes = set(ep.errors) | {400, 429, 500, 503}
        if ep.body is not None:
            codes |= {413, 422}
        if ep.query is not None:
            codes.add(422)
        if "{" in ep.path:
            codes.add(404)  # also a path parameter nothing can be called
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
        # `{thread:path}` (a key with slashes) is plain `{thread}` in the document.
        documented = re.sub(_PATH_PARAM, r"{\1}", ep.path)
        paths.setdefault(documented, {})[ep.method.lower()] = operation
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
