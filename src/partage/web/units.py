"""The credits and time page, ``/o/{slug}/units``: the organization's own units, the reader's
balances, the forms to spend units and to record a time-bank exchange, the latest movements,
and for admins the forms to define a unit, say what an activity earns, record a purchase,
grant units, validate contributions and reverse a mistaken operation (a "Reverse" button with
a reason beside each movement not yet reversed; reversed movements are marked).

Quantities are typed in the unit ("1,5" or "1.5" hours) and shown in the reader's locale.
The refusals of units (a balance below its limit, a purchase that is not whole cents…) are
said here in the reader's language, with the balance, limit and quantities they carry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.community import Contribution
from partage.core.currency import Currency
from partage.core.errors import DomainError, InvalidInput
from partage.core.units import EarningRule, Operation, OperationKind, Unit, UnitKind, earned
from partage.services import units
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.i18n import N_, Formatter
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, lang_of, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)

# The refusals proper to units, in the reader's words; ``{…}`` are the error's params.
UNIT_ERRORS: dict[str, str] = {
    "units.insufficient_balance": N_(
        "Not enough: the balance is {balance} {unit} and may go down to -{limit} {unit}."
    ),
    "units.inexact_purchase": N_(
        "This quantity does not cost a whole number of cents at this price: buy {below} or {above}."
    ),
    "units.same_member": N_("Choose another member: one cannot pay oneself."),
    "units.not_time": N_("Exchanges are counted in a time unit."),
    "units.not_for_sale": N_("This unit has no price: it cannot be bought."),
    "units.already_earned": N_("This contribution has already earned its units."),
    "units.no_earning_rule": N_("This activity earns nothing in this unit."),
    "units.no_hours": N_("This activity earns per hour and this contribution records no hours."),
    "units.observer": N_("Observers hold no units."),
    "units.bad_price": N_("Type a price greater than zero, such as 0.50."),
    "units.bad_kind": N_("A unit counts credits or time."),
    "units.fixed_kind": N_("A unit's kind and decimals cannot change once it is defined."),
    "units.shadows_currency": N_("This is the organization's currency: choose another code."),
    "units.bad_purchase_account": N_("Purchases are paid into operations, commons or reserve."),
    "units.not_found": N_("There is no such unit."),
    "member.not_found": N_("There is no such member."),
    "contribution.not_found": N_("There is no such contribution."),
    "units.operation_not_found": N_("There is no such operation."),
    "units.already_reversed": N_("This operation is already reversed."),
    "units.reversal_of_reversal": N_(
        "A reversal cannot be reversed: record the operation again instead."
    ),
    "units.reversal_below_limit": N_(
        "This cannot be reversed: {member}'s balance is {balance} {unit} and would go to "
        "{after} {unit}, below the limit of -{limit} {unit}."
    ),
    "currency.bad_code": N_("A code is 3 to 12 capital letters, digits or '_'."),
    "currency.shadows_iso": N_("This is a currency code (ISO 4217): choose another code."),
}

_QUANTITY = re.compile(r"-?\d+(\.\d+)?")

FORMS = ("define", "earning", "buy", "grant", "earn", "spend", "exchange", "reverse")


def _said(request: Request, error: DomainError) -> DomainError:
    """``error`` with its message in the reader's language when it is a unit's refusal."""
    wording = UNIT_ERRORS.get(error.code)
    if wording is None:
        return error
    params = dict(error.params)
    if lang_of(request) == "fr":
        # The quantities come as plain decimal text ("-2.00"); French writes "-2,00".
        # Only quantities: a member's name keeps its dots.
        params = {
            k: v.replace(".", ",") if isinstance(v, str) and _QUANTITY.fullmatch(v) else v
            for k, v in params.items()
        }
    try:
        message = gettext(request)(wording).format_map(params)
    except (KeyError, IndexError, ValueError):
        message = error.message
    return type(error)(error.code, message, error.field)


def _sentence(op: Operation, names: dict[int, str], gettext: Callable[[str], str]) -> str:
    who = names.get(op.member_id, f"#{op.member_id}")
    other = names.get(op.counterpart_id or 0, f"#{op.counterpart_id}")
    if op.kind is OperationKind.REVERSAL:
        return gettext("Reversal of operation #%(id)s") % {"id": op.reverses}
    if op.kind.value == "buy":
        return gettext("%(who)s bought") % {"who": who}
    if op.kind.value == "earn":
        return gettext("%(who)s earned, contribution #%(id)s") % {
            "who": who,
            "id": op.contribution_id,
        }
    if op.kind.value == "grant":
        return gettext("%(who)s was granted") % {"who": who}
    if op.kind.value == "exchange":
        return gettext("%(other)s gave %(who)s") % {"who": who, "other": other}
    if op.counterpart_id:
        return gettext("%(who)s paid %(other)s") % {"who": who, "other": other}
    return gettext("%(who)s spent") % {"who": who}


def _price(price: Decimal | None, money: Currency, fmt: Formatter) -> str:
    """A price in the reader's locale; a price finer than a cent keeps all its digits."""
    if price is None:
        return ""
    minor = price.scaleb(money.decimals)
    if minor == minor.to_integral_value():
        return fmt.money(int(minor), money)
    return f"{fmt.number(price)}\u00a0{money.code}"


def _detail(op: Operation, money: Currency, fmt: Formatter, say: Callable[[str], str]) -> str:
    """What an operation was for; a purchase says the price it kept."""
    if op.kind is OperationKind.BUY and op.rate is not None:
        return say("at %(price)s each") % {"price": _price(Decimal(op.rate), money, fmt)}
    return op.purpose


def _earns(rule: EarningRule, contribution: Contribution) -> int | None:
    try:
        return earned(rule, contribution.hours)
    except InvalidInput:
        return None


def page_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="units")
    found = units.units(uow, actor=actor)
    summaries = [units.summary(uow, actor=actor, code=u.code) for u in found]
    names: dict[int, str] = units.member_names(uow, actor=actor)
    by_code: dict[str, Unit] = {u.code: u for u in found}
    moves = units.movements(uow, actor=actor, limit=50)
    say = gettext(request)
    fmt = Formatter(lang_of(request))
    money = actor.organization.currency
    waiting = units.to_validate(uow, actor=actor) if frame["is_admin"] else []
    holders = [m for m in names if m not in uow.governance.removed_members(actor.org_id)]
    return {
        **frame,
        "units": summaries,
        "prices": {u.code: _price(u.price, money, fmt) for u in found},
        "time_units": [u for u in found if u.kind is UnitKind.TIME],
        "priced_units": [u for u in found if u.price is not None],
        "mine": units.balances(uow, actor=actor) if frame["can_act"] else [],
        "holders": holders,
        "movements": [
            {
                "op": op,
                "unit": by_code[op.unit_code],
                "what": _sentence(op, names, say),
                "detail": _detail(op, money, fmt, say),
            }
            for op in moves
        ],
        "waiting": [
            {
                "c": c,
                "unit": by_code[r.unit_code],
                "who": names.get(c.member_id, ""),
                "earns": _earns(r, c),
            }
            for c, r in waiting
        ],
    }


def show(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = page_context(request, uow, actor)
    admin, acts = context["is_admin"], context["can_act"]
    has_units = bool(context["units"])
    return render_form_page(
        request,
        "units.html",
        context,
        error=None if error is None else _said(request, error),
        form=form,
        values=values,
        offered={
            "define": admin,
            "earning": admin and has_units,
            "buy": admin and bool(context["priced_units"]),
            "grant": admin and has_units,
            "earn": admin and bool(context["waiting"]),
            "spend": acts and has_units,
            "exchange": acts and bool(context["time_units"]),
            "reverse": admin and bool(context["movements"]),
        },
    )


@router.get("/o/{slug}/units")
def units_page(request: Request, slug: str) -> Response:
    return show(request, slug)


def _number(form: FormData, name: str) -> int:
    return forms.required_id(forms.text(form, name), field=name)


async def _act(
    request: Request,
    slug: str,
    name: str,
    action: Callable[[UnitOfWork, Actor, FormData], object],
    done: str,
) -> Response:
    return await act_on_form(
        request,
        slug,
        action,
        again=lambda error, form: show(request, slug, error=error, form=name, values=form),
        done=done,
        then=f"/o/{slug}/units",
    )


@router.post("/o/{slug}/units")
async def define_unit(request: Request, slug: str) -> Response:
    def defining(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.define_unit(
            uow,
            actor=actor,
            code=forms.text(form, "code"),
            name=forms.text(form, "name"),
            kind=forms.text(form, "kind") or None,
            negative_limit=forms.text(form, "negative_limit").strip() or None,
            price=forms.text(form, "price").strip() or None,
            purchase_account=forms.text(form, "purchase_account") or None,
            now=request.app.state.clock(),
        )

    return await _act(request, slug, "define", defining, N_("The unit is saved."))


@router.post("/o/{slug}/units/earning")
async def set_earning(request: Request, slug: str) -> Response:
    def setting(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.set_earning(
            uow,
            actor=actor,
            code=forms.text(form, "unit"),
            activity=forms.text(form, "activity"),
            amount=forms.text(form, "amount"),
            per=forms.text(form, "per", "contribution"),
        )

    return await _act(
        request, slug, "earning", setting, N_("Contributions of this activity now earn units.")
    )


@router.post("/o/{slug}/units/buy")
async def buy(request: Request, slug: str) -> Response:
    def buying(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.buy(
            uow,
            actor=actor,
            code=forms.text(form, "unit"),
            member_id=_number(form, "member"),
            quantity=forms.text(form, "quantity"),
            now=request.app.state.clock(),
        )

    return await _act(request, slug, "buy", buying, N_("The purchase is recorded."))


@router.post("/o/{slug}/units/grant")
async def grant(request: Request, slug: str) -> Response:
    def granting(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.grant(
            uow,
            actor=actor,
            code=forms.text(form, "unit"),
            member_id=_number(form, "member"),
            quantity=forms.text(form, "quantity"),
            reason=forms.text(form, "reason"),
            now=request.app.state.clock(),
        )

    return await _act(request, slug, "grant", granting, N_("The units are granted."))


@router.post("/o/{slug}/units/earn")
async def earn(request: Request, slug: str) -> Response:
    def validating(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.earn(
            uow,
            actor=actor,
            code=forms.text(form, "unit"),
            contribution_id=_number(form, "contribution"),
            now=request.app.state.clock(),
        )

    return await _act(
        request, slug, "earn", validating, N_("The contribution is validated: its units are paid.")
    )


@router.post("/o/{slug}/units/spend")
async def spend(request: Request, slug: str) -> Response:
    def spending(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.spend(
            uow,
            actor=actor,
            code=forms.text(form, "unit"),
            quantity=forms.text(form, "quantity"),
            purpose=forms.text(form, "purpose"),
            to_member=forms.optional_id(forms.text(form, "to"), field="to"),
            now=request.app.state.clock(),
        )

    return await _act(request, slug, "spend", spending, N_("The units are spent."))


@router.post("/o/{slug}/units/exchange")
async def exchange(request: Request, slug: str) -> Response:
    def exchanging(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        code = forms.text(form, "unit")
        if not code:
            raise InvalidInput("units.not_found", "choose a time unit", "unit")
        return units.exchange(
            uow,
            actor=actor,
            code=code,
            giver_id=_number(form, "giver"),
            quantity=forms.text(form, "quantity"),
            service=forms.text(form, "service"),
            now=request.app.state.clock(),
        )

    return await _act(
        request, slug, "exchange", exchanging, N_("The exchange is recorded: hour for hour.")
    )


@router.post("/o/{slug}/units/operations/{operation}/reverse")
async def reverse(request: Request, slug: str, operation: str) -> Response:
    def reversing(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return units.reverse(
            uow,
            actor=actor,
            operation_id=forms.required_id(operation, field="operation"),
            reason=forms.text(form, "reason"),
            now=request.app.state.clock(),
        )

    return await _act(
        request,
        slug,
        "reverse",
        reversing,
        N_("The operation is reversed: its exact opposite is recorded."),
    )
