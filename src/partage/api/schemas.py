"""Building blocks shared by every request and response body of the API.

Amounts travel exactly. In a request an amount is a decimal *string* (``"12.50"``) or a JSON
integer meaning whole units; a JSON number with a fraction or an exponent (``12.5``, ``1e309``,
``NaN``) is refused, because a float cannot say 0.10 exactly. The string is then parsed by
``core.money.parse_minor`` with the organization's number of decimals, so the rule that refuses
``"12.345"`` in EUR lives in one place. In a response an amount is a :class:`MoneyOut`:
the integer of minor units, the same amount as plain decimal text, and the currency code.

Every free text is refused if it holds a NUL character or half of a surrogate pair: neither can
be stored (PostgreSQL refuses NUL, UTF-8 refuses lone surrogates) and both would otherwise turn
into a server error deep in the database driver.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from partage.core.currency import ISO_4217, Currency, iso_currency
from partage.core.errors import InvalidInput
from partage.core.money import MAX_MINOR, format_minor, parse_minor

MAX_ID = MAX_MINOR  # ids are BIGINT: a larger number cannot name anything


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("text.nul", "text must not contain a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PydanticCustomError("text.encoding", "text must be valid Unicode") from None
    return value


def _exact_number(value: Any) -> Any:
    """Accept a decimal string or a JSON integer; refuse floats and everything else."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "amount.not_a_number", 'send the amount as a decimal string such as "12.50"'
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "amount.float",
            'amounts are exact: send them as a decimal string such as "12.50", '
            "not a JSON number with a fraction or an exponent",
        )
    if isinstance(value, str):
        return _storable(value)
    raise PydanticCustomError(
        "amount.not_a_number", 'send the amount as a decimal string such as "12.50"'
    )


_EXACT_SCHEMA = {
    "anyOf": [
        {"type": "string", "description": "plain decimal text, e.g. 12.50"},
        {"type": "integer"},
    ],
    "examples": ["12.50", 40],
}

Text = Annotated[str, BeforeValidator(_storable)]
"""Free text that can be stored (no NUL, valid Unicode)."""

AmountText = Annotated[
    str, BeforeValidator(_exact_number), Field(max_length=64), WithJsonSchema(_EXACT_SCHEMA)
]
"""An amount in the organization's currency: ``"12.50"`` or a whole number; never a float."""

DecimalText = Annotated[
    str, BeforeValidator(_exact_number), Field(max_length=64), WithJsonSchema(_EXACT_SCHEMA)
]
"""An exact decimal that is not money (hours, quantities, vote weights)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
"""A number naming a member, mission, contribution…: a JSON integer, never ``"3"`` or 3.0."""


class Body(BaseModel):
    """A request body: unknown fields are refused, so that a misspelt field is not ignored."""

    model_config = ConfigDict(extra="forbid")


class MoneyOut(BaseModel):
    minor: int = Field(description="the amount in minor units (cents for EUR)")
    value: str = Field(description="the same amount as plain decimal text", examples=["12.50"])
    currency: str = Field(examples=["EUR"])


class CurrencyOut(BaseModel):
    code: str
    decimals: int


def money(minor: int, currency: Currency) -> MoneyOut:
    return MoneyOut(
        minor=minor, value=format_minor(minor, currency.decimals), currency=currency.code
    )


def maybe_money(minor: int | None, currency: Currency) -> MoneyOut | None:
    return None if minor is None else money(minor, currency)


def decimal_text(value: Decimal | None) -> str | None:
    """Decimals leave as text too (``"2.5"``), never as JSON floats."""
    return None if value is None else format(value.normalize(), "f")


class ErrorItem(BaseModel):
    """One problem among several: a request field, or a line of an imported file."""

    field: str | None = None
    code: str | None = None
    message: str
    line: int | None = None


class ErrorDetail(BaseModel):
    code: str = Field(examples=["claim.window_closed"])
    message: str
    field: str | None = None
    details: list[ErrorItem] | None = None


class ErrorOut(BaseModel):
    """Every error of the API has this shape, whatever its status."""

    error: ErrorDetail


class AmountBody(Body):
    """A body with amounts, which may state their currency to guard against a mix-up."""

    currency: Text | None = Field(
        None,
        max_length=12,
        description="optional; if given it must be the organization's currency",
        examples=["EUR"],
    )

    def checked_currency(self, home: Currency) -> Currency:
        """The organization's currency, after checking the one the client stated, if any."""
        if self.currency is None or self.currency.strip().upper() == home.code:
            return home
        stated = self.currency.strip().upper()
        if stated not in ISO_4217:
            iso_currency(stated)  # raises currency.unknown with its message
        raise InvalidInput(
            "currency.mismatch",
            f"this organization counts in {home.code}, not {stated}",
            field="currency",
        )


def minor_units(text: str, currency: Currency, *, field: str, allow_zero: bool = False) -> int:
    """An amount of the request in minor units, by the one parser of ``core.money``."""
    return parse_minor(text, currency.decimals, field=field, allow_zero=allow_zero)
