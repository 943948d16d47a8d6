"""Every incoming string, checked once before a handler sees it.

Any string (a query parameter, a JSON value or key at any depth, a path parameter) is
refused when it holds NUL, another C0 or C1 control besides tab, line feed and carriage
return, or a lone surrogate. Every string is an identifier unless its field is declared
free text with `free_text(...)`; identifiers (keys, ids, names, URLs, search terms,
codes) also refuse tab, line breaks, bidirectional marks and zero-width characters,
which free text (bodies, notes, reasons) keeps for moderation to judge.

A bad field answers 422 naming it. A path parameter, or a field declared with
`site_field()`, names something that must exist: a value nothing can be called answers
404, as an unknown name does. The declarations show in the OpenAPI document as the
`x-text` and `x-site` schema keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from comments.errors import Invalid, NotFound, invalid
from comments.models import MAX_SITE_NAME
from comments.service.validation import identifier_problem, text_problem

TEXT_MARK = "x-text"
SITE_MARK = "x-site"

M = TypeVar("M", bound=BaseModel)
Problem = tuple[str, str]  # the field's dotted name, what is wrong with it


def free_text(default: Any = PydanticUndefined, **constraints: Any) -> Any:
    """A field of free text: a body, note or reason keeps bidi and zero-width marks."""
    return Field(default, json_schema_extra={TEXT_MARK: True}, **constraints)


def site_field(**constraints: Any) -> Any:
    """A field naming a site: a value no site can have answers 404, as in a path."""
    return Field(
        min_length=1,
        max_length=MAX_SITE_NAME,
        description="The site's name",
        json_schema_extra={SITE_MARK: True},
        **constraints,
    )


def _marked(info: FieldInfo, mark: str) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get(mark) is True


def pydantic_errors(exc: ValidationError) -> Invalid:
    """A 422 whose `fields` name each bad field in words."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, str(error["msg"]).removeprefix("Value error, "))
    summary = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return Invalid(summary[:500], fields=fields)


def _any_text(value: Any, path: str) -> Problem | None:
    """The first string anywhere in raw input that no field may hold; keys are identifiers."""
    if isinstance(value, str):
        problem = text_problem(value)
        return (path or "body", problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = identifier_problem(str(key))
            if problem:
                return (path or "body", f"a field name {problem}")
            found = _any_text(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _any_text(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _identifiers(value: Any, path: str) -> Problem | None:
    """The first string in a validated value that is no identifier."""
    if isinstance(value, str):
        problem = identifier_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, BaseModel):
        return model_problem(value, f"{path}.")
    items: Any = ()
    if isinstance(value, dict):
        for key in value:
            found = _identifiers(key, path)
            if found:
                return found
        items = enumerate(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        items = enumerate(value)
    for index, item in items:
        found = _identifiers(item, f"{path}.{index}")
        if found:
            return found
    return None


def model_problem(model: BaseModel, prefix: str = "") -> Problem | None:
    """The first field of a validated model holding a string its declaration refuses."""
    for name, info in type(model).model_fields.items():
        if _marked(info, TEXT_MARK):
            continue
        found = _identifiers(getattr(model, name), prefix + name)
        if found:
            return found
    return None


def check_path(params: Mapping[str, Any]) -> None:
    """Path parameters name things: one that nothing can be called is 404."""
    for name, value in params.items():
        if isinstance(value, str) and identifier_problem(value):
            raise NotFound(f"There is no such {name.removesuffix('_id').replace('_', ' ')}.")


def identifier(name: str, value: str) -> str:
    """`value` when it could be an identifier, else 422 naming the field."""
    problem = identifier_problem(value)
    if problem:
        raise invalid(name, problem)
    return value


def validated(model: type[M], data: dict[str, Any], *, strict_json: bool = False) -> M:
    """`data` as `model`, every string in it checked (`strict_json`: JSON's own types)."""
    for name, info in model.model_fields.items():
        value = data.get(info.alias or name)
        if _marked(info, SITE_MARK) and isinstance(value, str) and identifier_problem(value):
            raise NotFound("There is no such site.")
    found = _any_text(data, "")
    if found:
        raise invalid(*found)
    try:
        if strict_json:
            # JSON-mode strictness: no "1" for 1 or true for 1, yet ISO strings for datetimes.
            parsed = model.model_validate_json(json.dumps(data), strict=True)
        else:
            parsed = model.model_validate(data)
    except ValidationError as exc:
        raise pydantic_errors(exc) from None
    found = model_problem(parsed)
    if found:
        raise invalid(*found)
    return parsed
