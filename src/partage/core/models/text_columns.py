"""Columns of text (a CSV file, JSON lines, a database) read into exact integer columns.

A million cells are checked and converted at once with Arrow's compute kernels, never one
Python object per cell: decimal text such as ``2.50`` becomes the integer 250 over the
scale 100 (:class:`ScaledColumn`), names become codes into their list in code-point order.
Nothing is rounded: a decimal with too many digits for 64 bits is read with Python's
integers instead, and any cell that is not a plain decimal is refused, naming its row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from partage.core.currency import Currency
from partage.core.models.base import CLAIM_TYPES, KINDS, refuse
from partage.core.models.scores import ScoreMatrix
from partage.core.models.table import (
    SAFE,
    ContributionTable,
    ScaledColumn,
    bound,
    group_sum,
    scaled,
)
from partage.core.money import MAX_MINOR

# Arrow has no type information: its arrays are typed as Any.
Texts: TypeAlias = Sequence[str | None] | Any
Path: TypeAlias = Callable[[int], str]

# Up to 30 digits before the point and 18 after, as the spec reader allows; or nothing.
PLAIN_DECIMAL = r"^(\d{1,30}(\.\d{1,18})?)?$"
INT64_DIGITS = 18  # any 18-digit number fits a signed 64-bit integer


def text_array(values: Texts) -> pa.Array:
    """Trimmed text, with missing cells as empty text."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    elif not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string())
    if values.type != pa.string():
        values = values.cast(pa.string())
    return pc.utf8_trim_whitespace(pc.fill_null(values, ""))


def first(mask: pa.Array) -> int:
    """The first row where ``mask`` is true."""
    return int(pc.index(mask, True).as_py())


def decimal_column(values: Texts, path: Path, *, min_places: int = 0) -> ScaledColumn:
    """Exact decimal text (``12``, ``2.50``) as integers over the smallest power of ten
    that holds every cell (at least ``10 ** min_places``); empty cells are absent (0)."""
    texts = text_array(values)
    rows = len(texts)
    lengths = pc.utf8_length(texts)
    present = pc.greater(lengths, 0)
    if not pc.any(present).as_py():
        return ScaledColumn(np.zeros(rows, np.int64), 10**min_places, np.zeros(rows, bool))
    plain = pc.match_substring_regex(texts, PLAIN_DECIMAL)
    if not pc.all(plain).as_py():
        bad = first(pc.invert(plain))
        text = texts[bad].as_py()
        raise refuse(path(bad), f"'{text[:40]}' is not a plain decimal number", "spec.not_a_number")
    point = pc.find_substring(texts, ".")
    decimals = pc.if_else(pc.less(point, 0), 0, pc.subtract(pc.subtract(lengths, point), 1))
    places = max(min_places, int(pc.max(decimals).as_py()))
    digits = pc.if_else(present, pc.replace_substring(texts, ".", ""), "0")
    shift = places - decimals.to_numpy(zero_copy_only=False).astype(np.int64)
    column: npt.NDArray[Any]
    if int(pc.max(pc.utf8_length(digits)).as_py()) + places <= INT64_DIGITS:
        # At most 18 digits after shifting: the integers fit 64 bits.
        whole = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
        column = whole * np.power(10, shift, dtype=np.int64)
    else:
        numbers = [int(d) * 10**s for d, s in zip(digits.to_pylist(), shift.tolist(), strict=True)]
        top = max(numbers, default=0)
        column = np.array(numbers, dtype=np.int64 if top < SAFE else object)
    return ScaledColumn(column, 10**places, present.to_numpy(zero_copy_only=False))


def codes(
    values: Texts, path: Path, *, required: bool
) -> tuple[tuple[str, ...], npt.NDArray[np.int32]]:
    """The distinct texts in code-point order, and each row's index among them."""
    texts = text_array(values)
    if required:
        empty = pc.equal(pc.utf8_length(texts), 0)
        if pc.any(empty).as_py():
            raise refuse(path(first(empty)), "must be a non-empty text", "spec.required")
    encoded = texts.dictionary_encode()
    # UTF-8 byte order is code-point order: the order ties are broken by.
    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    names = tuple(encoded.dictionary.take(pa.array(order)).to_pylist())
    index = encoded.indices.to_numpy(zero_copy_only=False)
    return names, rank[index].astype(np.int32, copy=False)


def choices(values: Texts, allowed: Sequence[str], default: str, path: Path, code: str) -> Any:
    """Each row's index in ``allowed`` (an empty cell is ``default``); anything else refused."""
    texts = pc.if_else(pc.equal(text_array(values), ""), default, text_array(values))
    known = pc.is_in(texts, value_set=pa.array(list(allowed), type=pa.string()))
    if not pc.all(known).as_py():
        raise refuse(path(first(pc.invert(known))), f"must be one of {', '.join(allowed)}", code)
    return pc.index_in(texts, value_set=pa.array(list(allowed), type=pa.string())), texts


COLUMNS = (
    "id",
    "recipient",
    "activity",
    "kind",
    "hours",
    "quantity",
    "rate",
    "amount",
    "claim_type",
)


def table_from_columns(
    columns: Mapping[str, Texts], currency: Currency, section: str = "contributions"
) -> tuple[ContributionTable, list[str], list[str]]:
    """Contributions read as text columns (a CSV file, JSON lines), checked row by row.

    Returns the table, the contribution ids and their claim types. Errors name the row:
    ``contributions[41].hours``.
    """
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise refuse(
            f"{section}.{unknown[0]}", "is not a column partage reads here", "spec.unknown_field"
        )
    if "recipient" not in columns:
        raise refuse(f"{section}.recipient", "the recipient column is required", "spec.required")
    rows = len(columns["recipient"])

    texts: dict[str, pa.Array] = {}

    def column(name: str) -> pa.Array:
        if name not in texts:
            found = columns.get(name)
            texts[name] = (
                text_array(found)
                if found is not None
                else pc.fill_null(pa.nulls(rows, pa.string()), "")  # an absent column: empty
            )
        return texts[name]

    def at(name: str) -> Path:
        return lambda i: f"{section}[{i}].{name}"

    recipients, recipient = codes(column("recipient"), at("recipient"), required=True)
    activities, activity = codes(column("activity"), at("activity"), required=False)
    kind, _ = choices(column("kind"), KINDS, "time", at("kind"), "spec.bad_kind")
    amount = decimal_column(column("amount"), at("amount"))
    if amount.scale > 10**currency.decimals:
        point = pc.find_substring(column("amount"), ".")
        after = pc.subtract(pc.subtract(pc.utf8_length(column("amount")), point), 1)
        bad = first(pc.and_(pc.greater_equal(point, 0), pc.greater(after, currency.decimals)))
        raise refuse(
            at("amount")(bad),
            f"has more than {currency.decimals} decimal(s)",
            "spec.too_many_decimals",
        )
    amount = amount.rescaled(10**currency.decimals)
    rate = decimal_column(column("rate"), at("rate"), min_places=currency.decimals)
    _, claim_types = choices(
        column("claim_type"), CLAIM_TYPES, "equity", at("claim_type"), "spec.bad_claim_type"
    )
    table = ContributionTable(
        recipients=recipients,
        recipient=recipient,
        activities=activities,
        activity=activity,
        kind=kind.to_numpy(zero_copy_only=False).astype(np.int8),
        hours=decimal_column(column("hours"), at("hours")),
        quantity=decimal_column(column("quantity"), at("quantity")),
        # A rate in the currency's unit becomes minor units: the same digits over 10^(p − d).
        rate=ScaledColumn(rate.values, rate.scale // 10**currency.decimals, rate.present),
        amount=np.asarray(amount.values, dtype=np.int64),
    )
    # Absent ids and claim types stay empty lists: a million default values are not written.
    ids = column("id").to_pylist() if "id" in columns else []
    types = claim_types.to_pylist() if "claim_type" in columns else []
    return table, ids, types


def table_from_records(
    *,
    member_ids: Sequence[int],
    activities: Sequence[str],
    hours_hundredths: Sequence[int | None],
    quantities: Sequence[str | None],
    rates: Mapping[str, Fraction],
) -> ContributionTable:
    """An organization's recorded contributions as columns: recipients are member numbers
    (as text), time where hours are given, otherwise a quantity; ``rates`` per activity (minor
    units per hour or unit) where a model values work at a rate."""
    n = len(member_ids)
    recipients, recipient = codes([str(m) for m in member_ids], lambda i: "", required=False)
    names, activity = codes(list(activities), lambda i: "", required=False)
    hours_present = np.array([h is not None for h in hours_hundredths], dtype=bool)
    hours = np.array([h or 0 for h in hours_hundredths], dtype=np.int64)
    grid = scaled([rates.get(a) for a in names])
    return ContributionTable(
        recipients=recipients,
        recipient=recipient,
        activities=names,
        activity=activity,
        kind=np.where(hours_present, KINDS.index("time"), KINDS.index("non_cash")).astype(np.int8),
        hours=ScaledColumn(hours, 100, hours_present),
        quantity=decimal_column(list(quantities), lambda i: f"contributions[{i}].quantity"),
        rate=ScaledColumn(grid.values[activity], grid.scale, grid.present[activity]),
        amount=np.zeros(n, dtype=np.int64),
    )


def score_matrix_from_columns(columns: Mapping[str, Texts], section: str = "scores") -> ScoreMatrix:
    """Scores read as text columns: ``recipient``, then one column per interval, oldest
    first. An empty cell is a score of 0; a recipient may appear only once."""
    names = list(columns)
    if not names or names[0] != "recipient":
        raise refuse(f"{section}.recipient", "the first column is the recipient", "spec.required")
    recipients, rows = codes(
        columns["recipient"], lambda i: f"{section}[{i}].recipient", required=True
    )
    if len(recipients) != len(rows):
        seen = np.zeros(len(recipients), dtype=bool)
        for i, code in enumerate(rows.tolist()):
            if seen[code]:
                raise refuse(
                    f"{section}[{i}].recipient",
                    f"'{recipients[code]}' has a second row of scores",
                    "spec.duplicate",
                )
            seen[code] = True
    intervals = [decimal_column(columns[label], _cell(section, label)) for label in names[1:]]
    scale = max((c.scale for c in intervals), default=1)
    scaled_columns = [c.rescaled(scale).values for c in intervals]
    wide = any(c.dtype == object for c in scaled_columns)
    matrix: Any = np.zeros((len(recipients), len(intervals)), dtype=object if wide else np.int64)
    for j, values in enumerate(scaled_columns):
        matrix[rows, j] = values
    return ScoreMatrix(recipients, matrix, scale)


def amounts_from_columns(
    columns: Mapping[str, Texts], currency: Currency, section: str = "paid"
) -> dict[str, int]:
    """What each recipient was paid (``recipient``, ``amount`` columns), in minor units;
    several rows of one recipient add up."""
    unknown = sorted(set(columns) - {"recipient", "amount"})
    if unknown:
        raise refuse(
            f"{section}.{unknown[0]}", "is not a column partage reads here", "spec.unknown_field"
        )
    for needed in ("recipient", "amount"):
        if needed not in columns:
            raise refuse(f"{section}.{needed}", f"the {needed} column is required", "spec.required")
    names, rows = codes(columns["recipient"], lambda i: f"{section}[{i}].recipient", required=True)
    amount = decimal_column(columns["amount"], lambda i: f"{section}[{i}].amount")
    if amount.scale > 10**currency.decimals:
        raise refuse(
            f"{section}.amount",
            f"has more than {currency.decimals} decimal(s)",
            "spec.too_many_decimals",
        )
    minor = amount.rescaled(10**currency.decimals).values
    if bound(minor) > MAX_MINOR:
        raise refuse(f"{section}.amount", "is too large", "spec.too_large")
    return dict(zip(names, group_sum(rows, minor, len(names)), strict=True))


def _cell(section: str, label: str) -> Path:
    return lambda i: f"{section}[{i}].{label}"
