"""Distributions for a person: the models in words, and their results as a side-by-side table.

The services speak in model specs (``{"type": "rate_grid", "rates": {...}}``) and publish
results with amounts as decimal text keyed by member number. Here the preview form's
choices become those specs, and the results become columns (one per model) and lines (one
per recipient, by name) whose amounts are minor units, ready for the reader's locale and for
the bar chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData, QueryParams

from partage.core import chart
from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.money import format_minor, parse_minor
from partage.web import forms
from partage.web.i18n import N_
from partage.web.labels import account_label

Gettext = Callable[[str], str]
Params = QueryParams | FormData

# The models a person picks in the form, by key, in the order of the form.
MODEL_KEYS = ("hours", "quantity", "grid", "equation", "grain")
# The models that read scores the admin gives rather than the contributions recorded.
ON_SCORES = frozenset(("grain",))
DEFAULT_MODELS = ("hours", "grid")
DEFAULT_RESERVE = "10"
GRAIN_POLICIES = ("balanced", "immediate", "recent")
DEFAULT_DISCOUNT = "50"
# The form's fields that describe a preview (carried along by the forms that post one).
PREVIEW_FIELDS = frozenset(
    (
        "budget",
        "since",
        "until",
        "activity",
        "model",
        "rate_activity",
        "rate_amount",
        "reserve",
        "policy",
        "discount",
        "scores",
        "grain_from",
    )
)

MODEL_NAMES = {
    "hours": N_("Proportional to hours"),
    "quantity": N_("Proportional to quantity"),
    "amount": N_("Proportional to amounts"),
    "grid": N_("Rate grid"),
    "equation": N_("Value equation"),
    # Distributions posted by the closing of an epoch or a funding call.
    "peer_allocation": N_("Peer allocation"),
    "quadratic_funding": N_("Quadratic funding"),
    "grain": N_("Grain (scores)"),
}
MODEL_HINTS = {
    "hours": N_("The whole budget split in proportion to the hours each member recorded."),
    "quantity": N_("The whole budget split in proportion to the quantities each member recorded."),
    "amount": N_("The whole budget split in proportion to the amounts each member recorded."),
    "grid": N_(
        "Each hour is paid the rate of its activity; scaled down if the budget is short, "
        "the rest stays in the fund."
    ),
    "equation": N_(
        "A reserve goes to the commons fund first; the rest is shared in proportion to the "
        "value of the contributions."
    ),
    "peer_allocation": N_(
        "Members gave each other points; each gets the budget in proportion to the points received."
    ),
    "grain": N_(
        "The budget follows each member's scores per interval (for example their cred), "
        "as SourceCred's grain policies do."
    ),
    "quadratic_funding": N_(
        "Members pledged to projects; the pool matches each project by the number of "
        "members who backed it more than by the amounts."
    ),
}
POLICY_NAMES = {"balanced": N_("Balanced"), "immediate": N_("Immediate"), "recent": N_("Recent")}
POLICY_HINTS = {
    "balanced": N_(
        "first pays those whose earlier grain payouts fell behind their scores; the first "
        "time, in proportion to the scores of every interval"
    ),
    "immediate": N_("in proportion to the scores of the last interval only"),
    "recent": N_("every interval counts, the older ones less"),
}


@dataclass(frozen=True, slots=True)
class Choice:
    """The preview form as typed, to fill it in again."""

    budget: str = ""
    since: str = ""
    until: str = ""
    activity: str = ""
    models: tuple[str, ...] = DEFAULT_MODELS
    rates: tuple[tuple[str, str], ...] = ()
    reserve: str = DEFAULT_RESERVE
    policy: str = GRAIN_POLICIES[0]
    discount: str = DEFAULT_DISCOUNT
    # Grain's scores as CSV text (an uploaded file is read into it).
    scores: str = ""
    # Where grain's scores come from: the organization's cred ("cred") or the text ("scores").
    grain_from: str = "scores"

    @property
    def on_cred(self) -> bool:
        return self.on_scores and self.grain_from == "cred"

    @property
    def on_scores(self) -> bool:
        return any(key in ON_SCORES for key in self.models)

    @property
    def on_contributions(self) -> bool:
        return any(key not in ON_SCORES for key in self.models)


def _texts(params: Params, name: str) -> list[str]:
    return [v for v in params.getlist(name) if isinstance(v, str)]


def _text(params: Params, name: str, default: str = "") -> str:
    found = _texts(params, name)
    return found[0] if found else default


def choice_of(params: Params) -> Choice:
    activities = _texts(params, "rate_activity")
    amounts = _texts(params, "rate_amount")
    rates = tuple(
        (activity, amounts[i] if i < len(amounts) else "") for i, activity in enumerate(activities)
    )
    return Choice(
        budget=_text(params, "budget"),
        since=_text(params, "since"),
        until=_text(params, "until"),
        activity=_text(params, "activity"),
        models=tuple(k for k in MODEL_KEYS if k in _texts(params, "model")),
        rates=rates,
        reserve=_text(params, "reserve", DEFAULT_RESERVE),
        policy=_text(params, "policy", GRAIN_POLICIES[0]),
        discount=_text(params, "discount", DEFAULT_DISCOUNT),
        scores=_text(params, "scores"),
        grain_from="cred" if _text(params, "grain_from") == "cred" else "scores",
    )


def is_asked(params: Params) -> bool:
    return "budget" in params


def budget_of(choice: Choice, currency: Currency) -> int:
    if not choice.budget.strip():
        raise InvalidInput("budget.required", "budget must not be empty", field="budget")
    return forms.amount(choice.budget, currency, field="budget")


def _rates(choice: Choice, currency: Currency) -> dict[str, str]:
    """The grid's rows that have a rate; a rate without its activity is refused."""
    rates: dict[str, str] = {}
    for activity, amount in choice.rates:
        if not amount.strip():
            continue  # an activity left without a rate counts nothing
        if not activity.strip():
            raise InvalidInput(
                "rate.incomplete", "a rate needs an activity and an amount", field="rates"
            )
        minor = forms.amount(amount, currency, field="rates")
        rates[activity.strip()] = format_minor(minor, currency.decimals)
    if not rates:
        raise InvalidInput(
            "distribution.no_rates", "give at least one activity a rate", field="rates"
        )
    return rates


def _reserve(choice: Choice) -> int:
    return forms.whole_number(
        choice.reserve, field="reserve", low=0, high=100, code="distribution.bad_reserve"
    )


def _grain(choice: Choice) -> dict[str, Any]:
    if choice.policy not in GRAIN_POLICIES:
        raise InvalidInput(
            "distribution.bad_policy", "choose balanced, immediate or recent", field="policy"
        )
    grain: dict[str, Any] = {"type": "grain", "policy": choice.policy}
    if choice.policy == "recent":
        # The form asks for a percentage; the model takes the share lost per step back.
        percent = forms.whole_number(
            choice.discount, field="discount", low=0, high=100, code="distribution.bad_discount"
        )
        grain["discount"] = str(Decimal(percent) / 100)
    return grain


def model_spec(key: str, choice: Choice, currency: Currency) -> dict[str, Any]:
    """The model spec the services run for one of the form's choices."""
    if key in ("hours", "quantity"):
        return {"type": "proportional", "by": key}
    if key == "grid":
        return {"type": "rate_grid", "rates": _rates(choice, currency)}
    if key == "equation":
        reserve = _reserve(choice)
        buckets: list[dict[str, str]] = []
        if reserve:
            buckets.append({"percentage": str(reserve), "recipient": "commons"})
        if reserve < 100:
            buckets.append({"percentage": str(100 - reserve)})
        equation: dict[str, Any] = {
            "type": "value_equation",
            "behavior": "straight",
            "buckets": buckets,
        }
        # Work is valued at the grid's rates (recorded contributions carry none of their own).
        rates = {a.strip(): r for a, r in choice.rates if a.strip() and r.strip()}
        if rates:
            equation["rates"] = {
                a: format_minor(forms.amount(r, currency, field="rates"), currency.decimals)
                for a, r in rates.items()
            }
        return equation
    if key == "grain":
        return _grain(choice)
    raise InvalidInput("distribution.no_model", "choose at least one model", field="model")


def model_specs(choice: Choice, currency: Currency) -> list[tuple[str, dict[str, Any]]]:
    if not choice.models:
        raise InvalidInput("distribution.no_model", "choose at least one model", field="model")
    return [(key, model_spec(key, choice, currency)) for key in choice.models]


def key_of(model: str, params: Mapping[str, Any]) -> str:
    """The form's key for a model spec as it was run (to name a posted distribution)."""
    if model == "proportional":
        by = params.get("by", "hours")
        return by if by in ("hours", "quantity", "amount") else "hours"
    return {"rate_grid": "grid", "value_equation": "equation"}.get(model, model)


# -- results as columns and lines -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One model's result, amounts in minor units."""

    key: str
    allocations: dict[str, int]
    unallocated: int
    paid: int
    gini: Decimal
    top_share: Decimal
    recipients: int
    explanations: dict[str, str]
    explained_in: str  # the language the explanations are written in

    @property
    def pays_members(self) -> bool:
        return any(amount for code, amount in self.allocations.items() if code.isdigit())


@dataclass(frozen=True, slots=True)
class Line:
    """One recipient across every column: amounts, bar widths (percent) and explanations."""

    code: str
    name: str
    member_id: int | None
    amounts: tuple[int, ...]
    widths: tuple[float, ...]
    explanations: tuple[str, ...]


def _minor(text: object, currency: Currency) -> int:
    return parse_minor(str(text), currency.decimals, field="amount", allow_zero=True)


def _decimal(text: object) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation:  # pragma: no cover - the engine writes decimal text
        return Decimal(0)


def explanations_in(result: Mapping[str, Any], lang: str) -> tuple[dict[str, str], str]:
    """A result's explanations in the reader's language when it has them, and that language:
    a posted run keeps them in every language (``explanations_fr``…); one recorded before
    that has only its own (English)."""
    written = str(result.get("language", "en"))
    found = (
        result.get("explanations", {}) if written == lang else result.get(f"explanations_{lang}")
    )
    if found is None:
        found, lang = result.get("explanations", {}), written
    return {str(k): str(v) for k, v in found.items()}, lang


def column(key: str, result: Mapping[str, Any], currency: Currency, lang: str = "en") -> Column:
    allocations = {str(k): _minor(v, currency) for k, v in result["allocations"].items()}
    indicators: Mapping[str, Any] = result.get("indicators", {})
    explanations, explained_in = explanations_in(result, lang)
    return Column(
        key=key,
        allocations=allocations,
        unallocated=_minor(result["unallocated"], currency),
        paid=sum(allocations.values()),
        gini=_decimal(indicators.get("gini", "0")).quantize(Decimal("0.01"), ROUND_HALF_UP),
        top_share=_decimal(indicators.get("top_10_percent_share", "0")),
        recipients=int(indicators.get("recipients", 0)),
        explanations=explanations,
        explained_in=explained_in,
    )


def recipient_name(code: str, names: Mapping[str, str], _: Gettext) -> str:
    if code.isdigit():
        return names.get(code, f"#{code}")
    try:
        account = chart.parse_redirect(code)
    except InvalidInput:
        return code
    return account_label(account, {}, {}, _)


def lines(columns: Sequence[Column], names: Mapping[str, str], _: Gettext) -> list[Line]:
    """Every recipient of any column: members by name first, then funds and projects."""
    codes = {code for col in columns for code in col.allocations}
    top = max((a for col in columns for a in col.allocations.values()), default=0)

    def order(code: str) -> tuple[bool, str]:
        return (not code.isdigit(), recipient_name(code, names, _).casefold())

    found = []
    for code in sorted(codes, key=order):
        amounts = tuple(col.allocations.get(code, 0) for col in columns)
        found.append(
            Line(
                code=code,
                name=recipient_name(code, names, _),
                member_id=int(code) if code.isdigit() else None,
                amounts=amounts,
                widths=tuple(round(100 * a / top, 2) if top else 0.0 for a in amounts),
                explanations=tuple(col.explanations.get(code, "") for col in columns),
            )
        )
    return found


def parameters(
    model: str,
    params: Mapping[str, Any],
    currency: Currency,
    money: Callable[[int], str],
    _: Gettext,
) -> list[str]:
    """A posted model's parameters in words, one line each."""
    if model == "rate_grid":
        rates: Mapping[str, Any] = params.get("rates") or {}
        return [
            _("{activity}: {amount} per hour or unit").format(
                activity=activity, amount=money(_minor(amount, currency))
            )
            for activity, amount in sorted(rates.items())
        ]
    if model == "value_equation":
        said = []
        for bucket in params.get("buckets") or []:
            share = str(bucket.get("percentage", ""))
            recipient = bucket.get("recipient")
            if recipient:
                said.append(
                    _("{percent} % to {recipient}").format(
                        percent=share, recipient=recipient_name(str(recipient), {}, _)
                    )
                )
            else:
                said.append(
                    _("{percent} % shared in proportion to the value of the contributions").format(
                        percent=share
                    )
                )
        return said
    if model == "grain":
        policy = str(params.get("policy", ""))
        said = [
            _("Policy: {name} — {hint}").format(
                name=_(POLICY_NAMES[policy]), hint=_(POLICY_HINTS[policy])
            )
            if policy in POLICY_NAMES
            else policy
        ]
        if "discount" in params:
            said.append(
                _("each interval weighs {percent} % less than the next one").format(
                    percent=_percent(params["discount"])
                )
            )
        return said
    return []


def _percent(share: object) -> str:
    """A share (``0.25``) as a percentage without trailing zeros (``25``)."""
    return f"{(_decimal(share) * 100).normalize():f}"
