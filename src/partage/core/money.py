"""Exact money: an integer number of minor units and its currency. Never a float.

Guarantees: arithmetic never mixes currencies (``currency.mismatch``); parsing accepts only
plain decimal text with no more decimals than the currency has, refuses NaN, infinities,
exponents and amounts beyond a signed 64-bit integer of minor units, so that whatever is
parsed fits the BIGINT column it is stored in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from partage.core.currency import Currency
from partage.core.errors import InvalidInput

MAX_MINOR = 2**63 - 1

# Digits with one optional decimal separator; thin and ordinary spaces group thousands.
_AMOUNT = re.compile(r"^([+-]?)(\d+)(?:[.,](\d*))?$")
_GROUPING = str.maketrans("", "", " \u00a0\u202f_")


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """``minor`` units of ``currency`` (e.g. 1250 EUR = 12.50 €)."""

    minor: int
    currency: Currency

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int")
        if abs(self.minor) > MAX_MINOR:
            raise InvalidInput("amount.too_large", "the amount is too large", field="amount")

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise InvalidInput(
                "currency.mismatch",
                f"cannot combine {self.currency.code} with {other.currency.code}",
                field="currency",
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    @property
    def is_zero(self) -> bool:
        return self.minor == 0

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-self.currency.decimals)

    def plain(self) -> str:
        """Locale-free text: ``12.50``; used by the CLI, the API and CSV exports."""
        return format_minor(self.minor, self.currency.decimals)

    def __str__(self) -> str:
        return f"{self.plain()} {self.currency.code}"


def zero(currency: Currency) -> Money:
    return Money(0, currency)


def as_params(name: str, amount: Money) -> dict[str, str | int]:
    """An amount as a refusal's params: ``name`` is its locale-free text (``5000.00 EUR``),
    and ``name.minor``, ``name.currency``, ``name.decimals`` let a page say it in its reader's
    locale (``5 000,00 €``)."""
    return {
        name: str(amount),
        f"{name}.minor": amount.minor,
        f"{name}.currency": amount.currency.code,
        f"{name}.decimals": amount.currency.decimals,
    }


def format_minor(minor: int, decimals: int) -> str:
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(decimals + 1, "0")
    if decimals == 0:
        return sign + digits
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def parse_minor(
    text: str | int,
    decimals: int,
    *,
    field: str = "amount",
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """Parse decimal text (``"12.5"``, ``"12,50"``, ``"1 200"``) into minor units, exactly."""
    if isinstance(text, bool):
        raise InvalidInput("amount.not_a_number", f"{field} must be a decimal number", field=field)
    raw = str(text).strip().translate(_GROUPING)
    match = _AMOUNT.match(raw)
    if match is None:
        raise InvalidInput(
            "amount.not_a_number",
            f"{field} must be a plain decimal number such as 12.50 (got '{str(text)[:40]}')",
            field=field,
        )
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    fraction = fraction.rstrip("0")
    if len(fraction) > decimals:
        raise InvalidInput(
            "amount.too_many_decimals",
            f"{field} has more than {decimals} decimal(s)",
            field=field,
        )
    if len(whole) > 19:
        raise InvalidInput("amount.too_large", f"{field} is too large", field=field)
    minor = int(whole) * 10**decimals + int(fraction.ljust(decimals, "0") or "0")
    if sign == "-":
        minor = -minor
    return check_minor(minor, field=field, allow_zero=allow_zero, allow_negative=allow_negative)


def check_minor(
    minor: int, *, field: str = "amount", allow_zero: bool = False, allow_negative: bool = False
) -> int:
    """Refuse out-of-range, zero or negative minor amounts according to the rule at hand."""
    if abs(minor) > MAX_MINOR:
        raise InvalidInput("amount.too_large", f"{field} is too large", field=field)
    if minor < 0 and not allow_negative:
        raise InvalidInput("amount.negative", f"{field} must not be negative", field=field)
    if minor == 0 and not allow_zero:
        raise InvalidInput("amount.zero", f"{field} must be greater than zero", field=field)
    return minor


def parse_money(
    text: str | int,
    currency: Currency,
    *,
    field: str = "amount",
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> Money:
    minor = parse_minor(
        text,
        currency.decimals,
        field=field,
        allow_zero=allow_zero,
        allow_negative=allow_negative,
    )
    return Money(minor, currency)
