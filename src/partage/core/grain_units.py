"""Grain in an organization's money: SourceCred's attoGrain turned into minor units, exactly.

SourceCred counts grain in attoGrain (10⁻¹⁸ grain), as decimal strings of whole numbers. An
organization says what one grain is worth in its currency (``value``, a decimal: currency
units per grain). A receipt of ``a`` attoGrain is then worth

    floor(a × value × 10^decimals / 10^18)   minor units,

computed on whole numbers only (the value is an exact fraction), never through a float.
Guarantees: a conversion never gives more than the exact amount, and less by under one minor
unit; converting each receipt of an allocation on its own therefore never gives more than
converting their total. Nothing here reads a file or a clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from partage.core.errors import InvalidInput

ATTO = 10**18  # attoGrain per grain

# A plain decimal: digits, one optional separator (point or comma), no sign nor exponent.
_VALUE = re.compile(r"^\d+(?:[.,]\d+)?$")
_MAX_VALUE_DIGITS = 30


def parse_grain_value(text: str, *, field: str = "grain_value") -> Fraction:
    """``"1"``, ``"0.5"``, ``"2,75"`` → the exact value of one grain in currency units (> 0)."""
    raw = str(text).strip()
    if not _VALUE.match(raw) or len(raw) > _MAX_VALUE_DIGITS:
        raise InvalidInput(
            "sourcecred.bad_grain_value",
            f"the value of one grain must be a plain decimal number, like 1 or 0.25 "
            f"(not '{raw[:40]}')",
            field=field,
        )
    try:
        value = Fraction(Decimal(raw.replace(",", ".")))
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        raise InvalidInput("sourcecred.bad_grain_value", "not a number", field=field) from None
    if value <= 0:
        raise InvalidInput(
            "sourcecred.bad_grain_value", "the value of one grain must be above 0", field=field
        )
    return value


@dataclass(frozen=True, slots=True)
class GrainRate:
    """What one grain is worth in minor units of a currency with ``decimals`` decimals."""

    value: Fraction  # currency units per grain
    decimals: int

    @property
    def numerator(self) -> int:
        scale: int = 10**self.decimals
        return self.value.numerator * scale

    @property
    def denominator(self) -> int:
        return self.value.denominator * ATTO

    def to_minor(self, atto: int) -> int:
        """A whole number of attoGrain → minor units, rounded down."""
        if atto < 0:
            raise ValueError("a grain amount is never negative")
        return atto * self.numerator // self.denominator


def parse_atto(text: str) -> int | None:
    """A ledger's grain amount (a decimal string of a whole number of attoGrain), or None
    when it is not one (a sign, a point, letters, nothing)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def grain_text(atto: int) -> str:
    """attoGrain as grain, exactly, without trailing zeros: 1500000000000000000 → ``1.5``."""
    whole, rest = divmod(atto, ATTO)
    if rest == 0:
        return str(whole)
    return f"{whole}.{str(rest).rjust(18, '0').rstrip('0')}"
