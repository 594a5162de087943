"""Reading a simulation spec (a JSON-like document) into exact values.

Every number is read exactly: decimal strings, integers, or ``Decimal`` (what a JSON reader
gives with ``parse_float=Decimal``). A binary float is refused, being already inexact.
Every error names the field by its path (``contributions[3].hours``) and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from partage.core.currency import Currency, currency_for
from partage.core.errors import InvalidInput
from partage.core.models.base import (
    CLAIM_TYPES,
    KINDS,
    Contribution,
    Funding,
    Gift,
    RoundClaim,
    Spec,
    refuse,
)
from partage.core.models.table import RowsOfTable
from partage.core.models.text_columns import (
    COLUMNS,
    Texts,
    amounts_from_columns,
    score_matrix_from_columns,
    table_from_columns,
)
from partage.core.models.wording import LANGUAGES
from partage.core.money import MAX_MINOR

SECTIONS = {
    "currency",
    "budget",
    "contributions",
    "gifts",
    "funding",
    "scores",
    "paid",
    "claims",
    "models",
    "language",
}
MAX_NAME = 200


def decimal(value: Any, path: str, *, allow_negative: bool = False) -> Decimal:
    if isinstance(value, bool | float):
        raise refuse(path, 'write numbers as decimal strings such as "12.50"', "spec.float")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace(",", ".")
        if "e" in text.lower():
            raise refuse(path, "is not a plain decimal number", "spec.not_a_number")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise refuse(
                path, f"'{value[:40]}' is not a decimal number", "spec.not_a_number"
            ) from None
    else:
        raise refuse(path, "must be a decimal number", "spec.not_a_number")
    if not number.is_finite():
        raise refuse(path, "must be a finite number", "spec.not_a_number")
    if number < 0 and not allow_negative:
        raise refuse(path, "must not be negative", "spec.negative")
    if abs(number) > Decimal(10) ** 30:
        raise refuse(path, "is too large", "spec.too_large")
    return number


def money(value: Any, currency: Currency, path: str, *, exact_minor: bool = True) -> Fraction:
    """An amount in minor units; with ``exact_minor`` it may not have more decimals than the
    currency (amounts); rates may be finer (a rate of 0.125 €/h)."""
    number = decimal(value, path)
    minor: Fraction = Fraction(number) * 10**currency.decimals
    if exact_minor and minor.denominator != 1:
        raise refuse(
            path, f"has more than {currency.decimals} decimal(s)", "spec.too_many_decimals"
        )
    if minor > MAX_MINOR:
        raise refuse(path, "is too large", "spec.too_large")
    return minor


def money_minor(value: Any, currency: Currency, path: str) -> int:
    return int(money(value, currency, path))


def text(value: Any, path: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise refuse(path, "must be a non-empty text", "spec.required")
    if len(value) > MAX_NAME or any(ord(c) < 32 for c in value):
        raise refuse(path, f"must be at most {MAX_NAME} printable characters", "spec.bad_text")
    return value.strip()


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise refuse(path, "must be an object", "spec.not_an_object")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise refuse(path, "must be a list", "spec.not_a_list")
    return value


def _unknown(item: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in item:
        if key not in allowed:
            raise refuse(f"{path}.{key}", "is not a known field", "spec.unknown_field")


def parse_currency(value: Any) -> Currency:
    try:
        if isinstance(value, str):
            return currency_for(value)
        item = _object(value, "currency")
        _unknown(item, {"code", "decimals"}, "currency")
        decimals = item.get("decimals")
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)):
            raise refuse("currency.decimals", "must be a whole number", "spec.not_a_number")
        return currency_for(text(item.get("code"), "currency.code"), decimals)
    except InvalidInput as error:
        if error.field and error.field.startswith("currency"):
            raise InvalidInput(error.code, f"currency: {error.message}", "currency") from None
        raise


# A file of contributions has the same columns, but for the salaries (Slicing Pie's).
CONTRIBUTION_FIELDS = {*COLUMNS, "market_salary", "paid_salary"}


def _contribution(value: Any, currency: Currency, path: str) -> Contribution:
    item = _object(value, path)
    _unknown(item, CONTRIBUTION_FIELDS, path)
    kind = item.get("kind", "time")
    if kind not in KINDS:
        raise refuse(f"{path}.kind", f"must be one of {', '.join(KINDS)}", "spec.bad_kind")
    claim_type = item.get("claim_type", "equity")
    if claim_type not in CLAIM_TYPES:
        raise refuse(
            f"{path}.claim_type", f"must be one of {', '.join(CLAIM_TYPES)}", "spec.bad_claim_type"
        )

    def optional_decimal(name: str) -> Decimal | None:
        return None if item.get(name) in (None, "") else decimal(item[name], f"{path}.{name}")

    def optional_money(name: str) -> int | None:
        return (
            None
            if item.get(name) in (None, "")
            else money_minor(item[name], currency, f"{path}.{name}")
        )

    rate = (
        None
        if item.get("rate") in (None, "")
        else money(item["rate"], currency, f"{path}.rate", exact_minor=False)
    )
    return Contribution(
        recipient=text(item.get("recipient"), f"{path}.recipient"),
        activity=text(item.get("activity"), f"{path}.activity", required=False),
        kind=kind,
        hours=optional_decimal("hours"),
        quantity=optional_decimal("quantity"),
        rate=rate,
        amount=optional_money("amount") or 0,
        market_salary=optional_money("market_salary"),
        paid_salary=optional_money("paid_salary"),
        claim_type=claim_type,
        id=text(item.get("id"), f"{path}.id", required=False) if item.get("id") is not None else "",
    )


def _gift(value: Any, path: str) -> Gift:
    item = _object(value, path)
    _unknown(item, {"from", "to", "points"}, path)
    points = item.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise refuse(
            f"{path}.points", "must be a whole number of points, zero or more", "spec.bad_points"
        )
    giver = text(item.get("from"), f"{path}.from")
    receiver = text(item.get("to"), f"{path}.to")
    if giver == receiver:
        raise refuse(path, "a member cannot give points to themselves", "spec.self_gift")
    return Gift(giver, receiver, points)


def _funding(value: Any, currency: Currency, path: str) -> Funding:
    item = _object(value, path)
    _unknown(item, {"from", "project", "amount"}, path)
    return Funding(
        funder=text(item.get("from"), f"{path}.from"),
        project=text(item.get("project"), f"{path}.project"),
        amount=money_minor(item.get("amount"), currency, f"{path}.amount"),
    )


def _claim(value: Any, currency: Currency, path: str) -> RoundClaim:
    item = _object(value, path)
    _unknown(item, {"recipient", "amount", "accepted_at"}, path)
    raw = item.get("accepted_at")
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00")) if isinstance(raw, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise refuse(
            f"{path}.accepted_at",
            "must be a time with its zone, e.g. 2026-05-01T10:00:00Z",
            "spec.bad_time",
        )
    return RoundClaim(
        recipient=text(item.get("recipient"), f"{path}.recipient"),
        amount=money_minor(item.get("amount"), currency, f"{path}.amount"),
        accepted_at=at.astimezone(UTC),
    )


def parse_spec(
    document: Any,
    *,
    contribution_columns: Mapping[str, Texts] | None = None,
    score_columns: Mapping[str, Texts] | None = None,
    paid_columns: Mapping[str, Texts] | None = None,
) -> Spec:
    """A whole spec; raises ``InvalidInput`` naming the first field at fault.

    ``contribution_columns``, ``score_columns`` and ``paid_columns`` give those sections as
    text columns (a large CSV or JSON lines file): they are read straight into columns, never
    one object per row.
    """
    root = _object(document, "spec")
    _unknown(root, SECTIONS, "spec")
    if "currency" not in root:
        raise refuse("currency", 'is required (an ISO code such as "EUR")', "spec.required")
    currency = parse_currency(root["currency"])
    if "budget" not in root:
        raise refuse("budget", "is required", "spec.required")
    budget = money_minor(root["budget"], currency, "budget")
    table = None
    contributions: Sequence[Contribution]
    if contribution_columns is not None:
        table, ids, claim_types = table_from_columns(contribution_columns, currency)
        contributions = RowsOfTable(table, ids, claim_types)
    else:
        contributions = tuple(
            _contribution(c, currency, f"contributions[{i}]")
            for i, c in enumerate(_list(root.get("contributions"), "contributions"))
        )
    gifts = tuple(_gift(g, f"gifts[{i}]") for i, g in enumerate(_list(root.get("gifts"), "gifts")))
    funding = tuple(
        _funding(f, currency, f"funding[{i}]")
        for i, f in enumerate(_list(root.get("funding"), "funding"))
    )
    matrix = None if score_columns is None else score_matrix_from_columns(score_columns)
    scores_raw = _object(root.get("scores", {}), "scores")
    scores = {
        text(name, "scores"): tuple(
            decimal(v, f"scores.{name}[{j}]") for j, v in enumerate(_list(series, f"scores.{name}"))
        )
        for name, series in scores_raw.items()
    }
    lengths = {len(s) for s in scores.values()}
    if len(lengths) > 1:
        raise refuse(
            "scores", "every recipient needs the same number of intervals", "spec.ragged_scores"
        )
    paid_raw = _object(root.get("paid", {}), "paid")
    paid = (
        {
            text(name, "paid"): money_minor(v, currency, f"paid.{name}")
            for name, v in paid_raw.items()
        }
        if paid_columns is None
        else amounts_from_columns(paid_columns, currency)
    )
    claims = tuple(
        _claim(c, currency, f"claims[{i}]")
        for i, c in enumerate(_list(root.get("claims"), "claims"))
    )
    models = []
    for i, raw in enumerate(_list(root.get("models"), "models")):
        model = _object(raw, f"models[{i}]")
        if not isinstance(model.get("type"), str):
            raise refuse(f"models[{i}].type", "names the model", "spec.required")
        models.append(model)
    if not models:
        raise refuse("models", "name at least one model to run", "spec.required")
    language = root.get("language", "en")
    if language not in LANGUAGES:
        raise refuse("language", f"must be one of {', '.join(LANGUAGES)}", "spec.bad_language")
    spec = Spec(
        language=language,
        currency=currency,
        budget=budget,
        contributions=contributions,
        gifts=gifts,
        funding=funding,
        scores=scores,
        paid=paid,
        claims=claims,
        models=tuple(models),
    )
    if table is not None:
        spec.cache["contribution_table"] = table
    if matrix is not None:
        spec.cache["score_matrix"] = matrix
    return spec
