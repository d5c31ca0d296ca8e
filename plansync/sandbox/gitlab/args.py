"""Request parameter coercion the way GitLab's Grape layer does it, with its 400 messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from plansync.sandbox.http import ApiError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def invalid(name: str) -> ApiError:
    """Grape's answer to a parameter of the wrong type or value."""
    return ApiError(400, {"error": f"{name} is invalid"})


def missing(name: str) -> ApiError:
    return ApiError(400, {"error": f"{name} is missing"})


def required_str(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise missing(name)
    return str(value)


def as_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise invalid(name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(name) from None


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "t"):
        return True
    if text in ("false", "0", "no", "f", ""):
        return False
    raise invalid(name)


def as_list(value: Any) -> list[str]:
    """Labels arrive as a JSON array or as one comma-separated string (python-gitlab sends both)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def as_int_list(value: Any, name: str) -> list[int]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [as_int(item, name) for item in items if str(item).strip() != ""]


def as_time(value: Any, name: str) -> float:
    """An ISO 8601 date or datetime (Z or offset; naive means UTC) as epoch seconds."""
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(name) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.timestamp()


def as_date(value: Any, name: str) -> str | None:
    """A `YYYY-MM-DD` date, or None when the client clears it with null or an empty string."""
    if value is None or value == "":
        return None
    text = str(value)
    if not _DATE.match(text):
        raise invalid(name)
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise invalid(name) from None
    return text


def first(query: dict[str, list[str]], *names: str) -> str | None:
    """The last value of the first query parameter present among `names`."""
    for name in names:
        values = query.get(name)
        if values:
            return values[-1]
    return None


def many(query: dict[str, list[str]], name: str) -> list[str]:
    """Every value of `name` and `name[]`, each split on commas (GitLab accepts both forms)."""
    values = [*query.get(name, []), *query.get(f"{name}[]", [])]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
