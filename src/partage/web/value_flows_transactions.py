"""The pages of the transactions the platform carries and of the split rules applied to them.

* ``/o/{slug}/rules`` — the version in force today, those to come, every earlier one, and
  for admins a form to set a new version from a day: a table of commissions and one of
  shares (see :mod:`partage.web.rules_form`), or the JSON or YAML text the CLI reads;
* ``/o/{slug}/transactions`` — the transactions and refunds of a period, newest first,
  filtered by member, and for admins a form to record one;
* ``/o/{slug}/transactions/{reference}`` — one transaction: its lines as posted, its
  refunds, what is left to refund, and for admins a form to refund it.

Every member reads them (books are open inside the collective); only admins act, which the
services enforce.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.services import transactions as txs
from partage.services import value_flows as vf
from partage.services.context import Actor, UnitOfWork
from partage.services.simulation import read_document
from partage.web import forms, rules_form
from partage.web.actions import act_on_form, codes
from partage.web.i18n import N_
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, render_form_page, uow_factory
from partage.web.value_flows import PART_NAMES, destination_name, period_of, transaction_url

router = APIRouter(route_class=WebRoute)
PAGE = 50


def _exact(value: Any) -> Any:
    """Decimals read from YAML or JSON as the text the rules expect (12.5 → '12.5')."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def rule_destination(text: str, names: Mapping[int, str], _: Callable[[str], str]) -> str:
    """A destination as the rules write it (``reserve``, ``project:x``, ``party:referrer``)."""
    kind, _sep, rest = text.partition(":")
    if kind == "party":
        return _("the party '%(role)s'") % {"role": rest}
    if kind == "member" and rest.isdigit():
        return names.get(int(rest), text)
    account = {"operations": "fund:operations", "reserve": "fund:reserve"}.get(
        kind, "fund:commons" if kind == "commons" else f"fund:{text}"
    )
    return destination_name(vf.destination(account, names), _)


# -- split rules -------------------------------------------------------------------------


def rules_context(
    request: Request, uow: UnitOfWork, actor: Actor, *, typed: rules_form.RulesForm | None = None
) -> dict[str, Any]:
    """The versions, and the forms pre-filled with the newest of them.

    The newest version — the latest to come, else the one in force — is what a new version
    replaces, so the forms start from it (a sensible example when there is none yet), and
    the first day offered is the earliest the new version may take.
    """
    frame = org_frame(uow, actor, section="flows")
    today = request.app.state.clock().astimezone(UTC).date()
    versions = list(reversed(txs.rule_versions(uow, actor=actor)))
    try:
        current = txs.rules_in_force(uow, actor=actor, day=today)
    except InvalidInput:
        current = None
    _ = gettext(request)
    coming = [v for v in versions if v.effective_from > today]
    newest = max(coming, key=lambda v: (v.effective_from, v.version), default=current)
    example = newest.document if newest else EXAMPLE
    first_day = max(today + timedelta(days=1), newest.effective_from if newest else today)
    return {
        **frame,
        "current": current,
        "coming": coming,
        "versions": versions,
        "example": json.dumps(
            {k: v for k, v in example.items() if k != "currency"}, indent=2, ensure_ascii=False
        ),
        "rows": typed or rules_form.from_document(example).with_spare(),
        "destinations": rules_form.DESTINATIONS,
        "tomorrow": first_day,
        "destination": lambda text: rule_destination(text, frame["names"], _),
        "part_name": lambda part: _(PART_NAMES[part]),
    }


# A first rule set to start from: 10 % and 0.30 on producers' sales, 30 % of it to the reserve.
EXAMPLE: dict[str, Any] = {
    "commissions": {"producer": {"rate": "10", "fixed": "0.30"}},
    "splits": [{"of": "commission", "to": "reserve", "percent": "30"}],
    "rest_to": "operations",
}
# The two forms of the page: the structured one, and the JSON/YAML text as an alternative.
STRUCTURED, DOCUMENT = "rules", "rules_document"


def show_rules(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
    form: str = STRUCTURED,
    typed: rules_form.RulesForm | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = rules_context(request, uow, actor, typed=typed)
    return render_form_page(
        request, "split_rules.html", context, error=error, form=form, values=values
    )


@router.get("/o/{slug}/rules")
def rules_page(request: Request, slug: str) -> Response:
    return show_rules(request, slug)


def _first_day(form: FormData) -> date:
    day = forms.text(form, "effective_from").strip()
    try:
        return datetime.fromisoformat(day).date()
    except ValueError:
        raise InvalidInput(
            "date.bad", "the first day is written YYYY-MM-DD", "effective_from"
        ) from None


@router.post("/o/{slug}/rules")
async def set_rules(request: Request, slug: str) -> Response:
    """One handler for both forms: a posted ``document`` is the JSON/YAML text, otherwise
    the rows of the structured form are read into the same document. Either way
    ``transactions.set_rules`` judges it, and a refusal re-shows the form it came from."""

    def rows_of(form: FormData) -> rules_form.RulesForm | None:
        return None if "document" in form else rules_form.from_form(form)

    def save(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        rows = rows_of(form)
        if rows is None:
            document = _exact(read_document(forms.text(form, "document").encode()))
            if not isinstance(document, dict):
                raise InvalidInput("rules.bad_document", "the rules are an object", "document")
        try:
            if rows is not None:
                document = rows.document()
            return txs.set_rules(
                uow,
                actor=actor,
                document=document,
                effective_from=_first_day(form),
                note=forms.text(form, "note"),
                now=request.app.state.clock(),
            )
        except DomainError as error:
            raise error if rows is None else rows.pointed(error) from None

    def again(error: DomainError, form: FormData) -> Response:
        rows = rows_of(form)
        said = rules_form.in_words(error, gettext(request), rows)
        which = DOCUMENT if rows is None else STRUCTURED
        return show_rules(request, slug, error=said, values=form, form=which, typed=rows)

    return await act_on_form(
        request,
        slug,
        save,
        again=again,
        done=N_("The new rules are saved."),
        then=f"/o/{slug}/rules",
    )


# -- transactions --------------------------------------------------------------------------


def transactions_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="flows")
    since, until = period_of(request, request.app.state.clock())
    member = request.query_params.get("member") or ""
    member_id = forms.optional_id(member, field="member")
    page = forms.whole_number(
        request.query_params.get("page") or "0",
        field="page",
        low=0,
        high=10**9,
        code="page.bad_offset",
    )
    rows = txs.transactions(
        uow,
        actor=actor,
        since=since,
        until=until,
        member_id=member_id,
        limit=PAGE + 1,
        offset=page * PAGE,
    )
    query = {"since": since.isoformat(), "until": until.isoformat()}
    if member_id is not None:
        query["member"] = str(member_id)
    base = f"/o/{actor.organization.slug}/transactions"
    try:
        today = request.app.state.clock().astimezone(UTC).date()
        statuses = list(txs.rules_in_force(uow, actor=actor, day=today).document["commissions"])
    except InvalidInput:
        statuses = []
    return {
        **frame,
        "rows": rows[:PAGE],
        "since": since,
        "until": until,
        "member_id": member_id,
        "statuses": statuses,
        "newer": f"{base}?{urlencode({**query, 'page': page - 1})}" if page else None,
        "older": f"{base}?{urlencode({**query, 'page': page + 1})}" if len(rows) > PAGE else None,
        "flows_url": f"/o/{actor.organization.slug}/flows?{urlencode(query)}",
        "url_of": lambda reference: transaction_url(actor.organization.slug, reference),
        "moment": request.app.state.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M"),
    }


def show_transactions(
    request: Request, slug: str, *, error: DomainError | None = None, values: FormData | None = None
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = transactions_context(request, uow, actor)
    return render_form_page(
        request, "transactions.html", context, error=error, form="record", values=values
    )


@router.get("/o/{slug}/transactions")
def transactions_page(request: Request, slug: str) -> Response:
    return show_transactions(request, slug)


def _moment(text: str) -> datetime:
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "time.bad", "the time is a day and an hour, e.g. 2026-03-02T14:30", "occurred_at"
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


@router.post("/o/{slug}/transactions")
async def record(request: Request, slug: str) -> Response:
    def post(uow: UnitOfWork, actor: Actor, form: FormData) -> str:
        role = forms.text(form, "party_role").strip()
        party = forms.text(form, "party").strip()
        tx = txs.TransactionInput(
            reference=forms.text(form, "reference"),
            amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
            currency=actor.organization.currency.code,
            status=forms.text(form, "status").strip().lower(),
            payee=forms.text(form, "payee"),
            occurred_at=_moment(forms.text(form, "occurred_at")),
            kind=forms.text(form, "kind").strip() or "sale",
            payer=forms.text(form, "payer"),
            parties={role: party} if role and party else {},
        )
        done = txs.record_transaction(uow, actor=actor, tx=tx, now=request.app.state.clock())
        return done.transaction.reference

    return await act_on_form(
        request,
        slug,
        post,
        again=lambda error, form: show_transactions(request, slug, error=error, values=form),
        done=N_("The transaction is recorded."),
        then=lambda reference: transaction_url(slug, reference),
    )


def detail_context(
    request: Request, uow: UnitOfWork, actor: Actor, reference: str
) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="flows")
    _ = gettext(request)
    shown = txs.transaction(uow, actor=actor, reference=reference)
    names: dict[int, str] = frame["names"]
    # A member who got a share as a party is named with their role (referrer, courier…).
    roles = {f"member:{mid}": role for role, mid in shown.transaction.parties.items()}
    return {
        **frame,
        "detail": shown,
        "tx": shown.transaction,
        "part_name": lambda part: _(PART_NAMES[part]),
        "account_name": lambda account: (
            destination_name(vf.destination(account, names), _)
            + (f" ({roles[account]})" if account in roles else "")
        ),
        "url_of": lambda ref: transaction_url(actor.organization.slug, ref),
        "refund_reference": f"{shown.transaction.reference}-R{len(shown.refunds) + 1}",
    }


def show_detail(
    request: Request,
    slug: str,
    reference: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = detail_context(request, uow, actor, reference)
    return render_form_page(
        request, "transactions_detail.html", context, error=error, form="refund", values=values
    )


@router.get("/o/{slug}/transactions/{reference:path}")
def transaction_page(request: Request, slug: str, reference: str) -> Response:
    return show_detail(request, slug, reference)


@router.post("/o/{slug}/refunds")
async def refund(request: Request, slug: str) -> Response:
    def take_back(uow: UnitOfWork, actor: Actor, form: FormData) -> str:
        of = forms.text(form, "of_reference")
        typed = forms.text(form, "amount").strip()
        txs.refund(
            uow,
            actor=actor,
            of_reference=of,
            reference=forms.text(form, "reference"),
            amount=forms.amount(typed, actor.organization.currency) if typed else None,
            now=request.app.state.clock(),
        )
        return of

    return await act_on_form(
        request,
        slug,
        take_back,
        again=lambda error, form: show_detail(
            request, slug, forms.text(form, "of_reference"), error=error, values=form
        ),
        done=N_("The refund is recorded."),
        then=lambda reference: transaction_url(slug, reference),
        gone=codes("organization.not_found", "transaction.not_found"),
    )
