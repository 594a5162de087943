"""Explanations in the reader's language, and numbers written a whole column at a time.

A model keeps its sentences in a table, one template per phrase and language (``PHRASES``:
{language: {key: template}}); :class:`Words` fills them. Every language has every phrase with
the same fields — a test checks each model's table. Numbers are written with a point and, in
French, shown with a decimal comma (3,21 EUR): the numbers partage writes hold no other point,
so the mark is swapped in the number alone, never in a name.


``ratio_texts`` writes exactly what :func:`base.ratio_text` writes for each row —
``numerator / denominator`` rounded half-even, trailing zeros dropped down to ``keep``
places — but rounds a whole column in 64-bit integers when its bounds prove it safe, and
formats in one pass. A hundred thousand explanations then cost a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from string import Formatter
from typing import Any

import numpy as np

from partage.core.currency import Currency
from partage.core.models.table import SAFE, multiply

Integers = Sequence[int] | Any  # a list, or a numpy column (int64 or Python integers)
Phrases = Mapping[str, Mapping[str, str]]  # language → phrase key → template
LANGUAGES = ("en", "fr")


class Words:
    """One language's phrases for a model, and its way of writing numbers."""

    def __init__(self, phrases: Phrases, language: str) -> None:
        assert language in LANGUAGES
        self.language = language
        self._phrases = phrases[language]
        self._comma = language == "fr"

    def __call__(self, key: str, /, **fields: Any) -> str:
        return self._phrases[key].format(**fields)

    def row(self, key: str, order: Sequence[str], **constants: str) -> Callable[..., str]:
        """A fast writer of one phrase for many rows: the ``constants`` are filled in once,
        the fields named in ``order`` are given per row, positionally, in that order."""
        pieces, fields = [], []
        for literal, field, spec, conversion in Formatter().parse(self._phrases[key]):
            pieces.append(literal.replace("%", "%%"))
            if field is None:
                continue
            assert not spec and not conversion, "phrases hold plain fields"
            if field in constants:
                pieces.append(constants[field].replace("%", "%%"))
            else:
                pieces.append("%s")
                fields.append(field)
        assert set(fields) == set(order), (key, fields, order)
        template = "".join(pieces)
        at = [list(order).index(field) for field in fields]
        if at == list(range(len(order))):
            return lambda *values: template % values
        return lambda *values: template % tuple(values[i] for i in at)

    def num(self, text: str) -> str:
        """A number (or an amount, a percentage) written by partage, in this language."""
        return text.replace(".", ",") if self._comma else text

    def nums(self, texts: list[str]) -> list[str]:
        return [t.replace(".", ",") for t in texts] if self._comma else texts


def exact_column(values: Integers | int) -> Any:
    """Integers as a numpy column that holds them exactly: 64-bit when every value fits,
    else Python's integers (``np.asarray`` alone would turn 2^63 + 1 into a float)."""
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, int):
        return np.array(values, dtype=np.int64 if abs(values) < SAFE else object)
    rows = [int(v) for v in values]
    top = max((abs(v) for v in rows), default=0)
    return np.array(rows, dtype=np.int64 if top < SAFE else object)


def _bound(values: Any) -> int:
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def ratio_texts(
    numerators: Integers, denominators: Integers | int, *, places: int = 6, keep: int = 0
) -> list[str]:
    """``ratio_text`` of every row; ``denominators`` is one number or one per row."""
    n = exact_column(numerators)
    d = exact_column(denominators)
    if n.size == 0:
        return []
    if n.dtype == object or d.dtype == object or not (d != 0).all():
        return _one_by_one(numerators, denominators, places, keep)
    if d.ndim == 0 and n.size >= REPEATS_FROM:
        # Rates, hours, cents repeat: each distinct value is written once.
        distinct, inverse = np.unique(n, return_inverse=True)
        if 2 * len(distinct) <= n.size:
            texts = ratio_texts(distinct, denominators, places=places, keep=keep)
            return [texts[i] for i in inverse.tolist()]
    quotients = _rounded(n, d, places)
    if quotients is None:
        return _one_by_one(numerators, denominators, places, keep)
    return _written(quotients.tolist(), places, keep)


REPEATS_FROM = 1000  # below this many rows, looking for repeats costs more than it saves


def _rounded(n: Any, d: Any, places: int) -> Any:
    """round-half-even(n × 10^places / d) on 64-bit integers, or None when a step could
    overflow. Long division, one digit at a time: the remainder times 10 stays below 10 × d,
    so no product of n and 10^places is ever formed."""
    if 10 * _bound(d) >= SAFE:
        return None
    negative = (n < 0) != (d < 0)
    n, d = np.abs(n), np.abs(d)
    whole, remainder = np.divmod(n, d)
    unit = 10**places
    if _bound(whole) * unit >= SAFE:
        return None
    quotient = whole * unit
    for power in range(places - 1, -1, -1):
        digit, remainder = np.divmod(remainder * 10, d)
        quotient += digit * 10**power
    twice = 2 * remainder
    quotient += (twice > d) | ((twice == d) & (quotient % 2 == 1))
    return np.where(negative, -quotient, quotient)


def _one_by_one(
    numerators: Integers, denominators: Integers | int, places: int, keep: int
) -> list[str]:
    """The same rounding on Python's integers, for numbers past 64 bits."""
    unit = 10**places
    rows = [int(v) for v in exact_column(numerators).tolist()]
    if isinstance(denominators, int):
        below = [denominators] * len(rows)
    else:
        below = [int(v) for v in exact_column(denominators).tolist()]
    quotients = []
    for numerator, denominator in zip(rows, below, strict=True):
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        quotient, remainder = divmod(numerator * unit, denominator)
        if 2 * remainder > denominator or (2 * remainder == denominator and quotient & 1):
            quotient += 1
        quotients.append(quotient)
    return _written(quotients, places, keep)


def _written(quotients: list[int], places: int, keep: int) -> list[str]:
    """Quotients over 10^places as decimal text. The digits after the point repeat a lot
    (money has few distinct cents): each distinct tail is written once."""
    unit = 10**places
    tails: dict[int, str] = {}
    out = []
    for quotient in quotients:
        whole, fraction = divmod(-quotient if quotient < 0 else quotient, unit)
        tail = tails.get(fraction)
        if tail is None:
            tail = tails[fraction] = _tail(fraction, places, keep)
        out.append(f"-{whole}{tail}" if quotient < 0 else f"{whole}{tail}")
    return out


def _tail(fraction: int, places: int, keep: int) -> str:
    if not fraction:
        return f".{'0' * keep}" if keep else ""
    digits = f"{fraction:0{places}d}".rstrip("0")
    if len(digits) < keep:
        digits += "0" * (keep - len(digits))
    return f".{digits}"


def money_texts(numerators: Integers, denominator: int, currency: Currency) -> list[str]:
    """``numerator / denominator`` minor units of every row, as ``money_ratio`` writes it."""
    decimals = currency.decimals
    code = currency.code
    texts = ratio_texts(
        numerators, denominator * 10**decimals, places=max(6, decimals), keep=decimals
    )
    return [f"{text} {code}" for text in texts]


def percent_texts(numerators: Integers, denominator: int) -> list[str]:
    """``percent_text`` of every row: 2 places, ``< 0.01 %`` for a share too small to show."""
    column = exact_column(numerators)
    texts = ratio_texts(multiply(column, 100), denominator, places=2)
    return [
        "< 0.01 %" if text == "0" and value else f"{text} %"
        for text, value in zip(texts, column.tolist(), strict=True)
    ]
