"""The fast path for plain rows builds exactly what the full check builds, or steps aside.

For every row, :meth:`PlainRows.take` either returns ``None`` (the row goes through
:func:`prepare`) or the very :class:`Prepared` that :func:`prepare` returns: rows are drawn
from plain values and from the odd ones an export can hold (spaces, commas, other
currencies, unknown members, refunds, numbers in JSON…).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from partage.core.currency import Currency, iso_currency
from partage.core.errors import DomainError
from partage.services.transaction_import_files import RawRow
from partage.services.transaction_import_rows import PlainRows, Prepared, prepare

EUR = iso_currency("EUR")
MEMBERS = {2, 3, 5, 8}
ALIASES = {"platform:seller-1": 3, "vendeuse": 5, "ghost": 99}


def _full(raw: RawRow, currency: Currency) -> Prepared | str:
    try:
        return prepare(raw, currency=currency, members=MEMBERS, aliases=ALIASES)
    except DomainError as error:
        return error.code


def _one_of(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


PLAIN: dict[str, st.SearchStrategy[Any]] = {
    "reference": st.from_regex(r"[A-Z]{2,5}-[0-9]{1,8}", fullmatch=True),
    "amount": st.builds(lambda e, c: f"{e}.{c:02d}", st.integers(0, 10**6), st.integers(1, 99)),
    "occurred_at": st.builds(
        lambda d, h, tz: f"2026-03-{d:02d}T{h:02d}:15:00{tz}",
        st.integers(1, 31),
        st.integers(0, 23),
        _one_of("Z", "+01:00", "-11:30"),
    ),
    "status": _one_of("producer", "courier", "a" * 63),
    "payee": _one_of("member:2", "member:3", "2", "8", "vendeuse", "platform:seller-1"),
    "currency": _one_of("", "EUR"),
    "kind": _one_of("delivery", "", "sale", "k" * 40),
    "payer": _one_of("", "Client 12"),
    "refund_of": _one_of("", None),
    "parties": st.dictionaries(
        _one_of("referrer", "co-op"), _one_of("member:5", "vendeuse"), max_size=2
    ),
}
OPTIONAL = ("currency", "kind", "payer", "refund_of", "parties")
ODD: dict[str, st.SearchStrategy[Any]] = {
    "reference": _one_of(
        "", " ORDER-1", "ORDER-1 ", "ORD\x00ER", "a" * 200, "a" * 201, "é-1", "A\u00a0B", 7
    ),
    "amount": st.one_of(
        _one_of("0.00", "12", "12.5", "12,50", "1 200.00", "-3.00", "+3.00", "012.00", "1.234"),
        _one_of("99999999999999.99", "9999999999999.99", "abc", "", "٣.00", "0.10"),
        st.floats(0.01, 1000, allow_nan=False),
        st.integers(-5, 5),
    ),
    "occurred_at": _one_of(
        "2026-03-01",
        "2026-02-30",
        " 2026-03-01",
        "2026-03-01T10:15:00.123456Z",
        "2026-03-01T10:15Z",
        "2026-03-01T10:15:00",
        "2026-03-01T10:15:00+0100",
        "yesterday",
        "",
        "2026-03-01 10:15:00+00:00",
        "2026-03-01T25:15:00Z",
    ),
    "status": _one_of("Producer", " producer", "", "prod ucer", "a" * 64, "-x"),
    "payee": _one_of(
        " member:2", "member:4", "member:02", "ghost", "", "member:", "member:" + "9" * 20
    ),
    "currency": _one_of("eur", "USD", None, "JPY", " EUR"),
    "kind": _one_of("Sale", "k" * 41, None, 0, " sale"),
    "payer": _one_of(" client", "x\x07y", None, "p" * 201),
    "refund_of": _one_of("ORDER-1", "  ", 0),
    "parties": st.one_of(
        st.dictionaries(
            _one_of("Referrer", "bad role", "", "referrer"),
            _one_of("member:4", " member:5", "ghost", 5),
            min_size=1,
            max_size=2,
        ),
        _one_of(["member:2"], "member:2", None),
    ),
}


@st.composite
def rows(draw: st.DrawFn) -> RawRow:
    """A plain row, its optional columns present or not, then none, one or two of its
    fields replaced by an odd value."""
    fields = {
        key: draw(strategy)
        for key, strategy in PLAIN.items()
        if key not in OPTIONAL or draw(st.booleans())
    }
    for key in draw(st.lists(st.sampled_from(sorted(ODD)), max_size=2, unique=True)):
        fields[key] = draw(ODD[key])
    return RawRow(draw(st.integers(1, 10**6)), fields)


@settings(max_examples=1_500, deadline=None)
@given(rows(), _one_of(EUR, iso_currency("JPY"), Currency("HEURE", 2)))
def test_the_fast_path_builds_what_the_full_check_builds(raw: RawRow, currency: Currency) -> None:
    plain = PlainRows(currency=currency, members=MEMBERS, aliases=ALIASES)
    fast = plain.take(raw)
    if fast is not None:
        assert fast == _full(raw, currency)
        # Names it resolved once are remembered, and give the same answer again.
        assert plain.take(raw) == fast


def test_the_fast_path_takes_the_rows_platforms_export() -> None:
    plain = PlainRows(currency=EUR, members=MEMBERS, aliases=ALIASES)
    exported = [
        {
            "reference": "ORDER-00000001",
            "occurred_at": "2026-01-01T00:00:07Z",
            "amount": "12.34",
            "currency": "EUR",
            "status": "producer",
            "payee": "member:2",
            "kind": "sale",
        },
        {
            "reference": "B-2",
            "occurred_at": "2026-03-01",
            "amount": "0.50",
            "status": "courier",
            "payee": "vendeuse",
            "parties": {"referrer": "member:8"},
        },
    ]
    for number, fields in enumerate(exported, start=1):
        raw = RawRow(number, fields)
        taken = plain.take(raw)
        assert taken is not None
        assert taken == _full(raw, EUR)
    # A refund, a comma or a member unknown here are left to the full check.
    for fields in (
        {**exported[0], "refund_of": "ORDER-0"},
        {**exported[0], "amount": "12,34"},
        {**exported[0], "payee": "member:4"},
    ):
        assert plain.take(RawRow(9, fields)) is None
