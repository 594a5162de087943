"""Printing results for people or, with ``--json``, for programs; and the exit codes.

Domain errors print their message (or ``{"error": …}`` with --json) and exit non-zero:
3 invalid input, 4 not found, 5 forbidden, 6 conflict, 7 not authenticated.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import typer

from partage.core.errors import DomainError
from partage.core.money import Money

EXIT_CODES = {"invalid": 3, "not_found": 4, "forbidden": 5, "conflict": 6, "unauthenticated": 7}

Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def plain(value: Any) -> Any:
    """JSON-ready form of domain values: Money as {minor, value, currency}, dates ISO."""
    if isinstance(value, Money):
        return {"minor": value.minor, "value": value.plain(), "currency": value.currency.code}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def emit(as_json: bool, data: Any, human: Callable[[], None] | str) -> None:
    if as_json:
        typer.echo(json.dumps(plain(data), ensure_ascii=False, indent=2, sort_keys=True))
    elif isinstance(human, str):
        typer.echo(human)
    else:
        human()


@contextmanager
def reporting(as_json: bool) -> Iterator[None]:
    """Turn a domain error into a clear message and its exit code."""
    try:
        yield
    except DomainError as error:
        if as_json:
            typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
        else:
            where = f" [{error.field}]" if error.field else ""
            typer.echo(f"error: {error.message}{where} ({error.code})", err=True)
        raise typer.Exit(EXIT_CODES.get(error.kind, 1)) from None
