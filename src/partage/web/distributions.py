"""Distribution pages: the past distributions, the form to preview and compare models, the
comparison side by side (a GET, so it can be bookmarked; it writes nothing), posting one
model's result to the ledger (admins), and a posted distribution with each member's "why".

The form posts (it may carry a file of scores for grain): without grain it is sent on to the
bookmarkable comparison; with grain the comparison is the answer to the post, the scores'
text carried in its forms (see :mod:`partage.web.scores`).

A refused preview shows the form again with the message next to its field; a refused post
shows the comparison again with the message in the form that posted it. Nothing is written
in either case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from partage.core.currency import Currency
from partage.core.distribution import Distribution
from partage.core.errors import DomainError, InvalidInput
from partage.core.money import parse_minor
from partage.services import contributions, distributions
from partage.services.context import Actor, UnitOfWork
from partage.web import forms, scores
from partage.web.actions import act_on_form
from partage.web.comparison import (
    GRAIN_POLICIES,
    MODEL_HINTS,
    MODEL_KEYS,
    MODEL_NAMES,
    ON_SCORES,
    POLICY_HINTS,
    POLICY_NAMES,
    PREVIEW_FIELDS,
    Choice,
    Params,
    budget_of,
    choice_of,
    column,
    is_asked,
    key_of,
    lines,
    model_specs,
    parameters,
)
from partage.web.i18n import N_, Formatter
from partage.web.labels import account_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    WebRoute,
    gettext,
    lang_of,
    redirect,
    render_form_page,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)

EXTRA_RATE_ROWS = 2
MIN_RATE_ROWS = 3
FUND_CHOICES = ("commons", "project", "pool")


def _activities(uow: UnitOfWork, actor: Actor) -> list[str]:
    return sorted({c.activity for c in contributions.find(uow, actor=actor)}, key=str.casefold)


def _rate_rows(choice: Choice, activities: list[str]) -> list[tuple[str, str]]:
    rows = list(choice.rates) if choice.rates else [(a, "") for a in activities]
    rows += [("", "")] * max(EXTRA_RATE_ROWS, MIN_RATE_ROWS - len(rows))
    return rows


def _describe(d: Distribution, actor: Actor, fmt: Formatter, request: Request) -> dict[str, Any]:
    _ = gettext(request)
    currency = actor.organization.currency
    key = key_of(d.model, d.params)
    described = {
        "d": d,
        "key": key,
        "name": _(MODEL_NAMES.get(key, d.model)),
        "hint": _(MODEL_HINTS[key]) if key in MODEL_HINTS else "",
        "period": _read(d.source, fmt, request),
        "on_scores": isinstance(d.source.get("scores"), Mapping) or d.over_cred,
        "activity": d.source.get("activity"),
        "fund": account_label(d.fund, {}, {}, _),
        "parameters": parameters(
            d.model, d.params, currency, lambda minor: fmt.money(minor, currency), _
        ),
        "imported": None,
    }
    if d.imported_from_sourcecred:
        described.update(_imported(d, actor, fmt, request))
    return described


SOURCECRED_POLICIES = {**POLICY_NAMES, "special": N_("Special")}


def _imported(d: Distribution, actor: Actor, fmt: Formatter, request: Request) -> dict[str, Any]:
    """A distribution imported from SourceCred: paid there, recorded here as history, with
    no explanation per member but the policies it used and where it comes from."""
    _ = gettext(request)
    currency = actor.organization.currency
    policies = [p for p in d.params.get("allocations", []) if isinstance(p, Mapping)]
    said = []
    for p in policies:
        policy = str(p.get("policy", ""))
        name = _(SOURCECRED_POLICIES[policy]) if policy in SOURCECRED_POLICIES else policy
        try:
            budget = fmt.money(parse_minor(str(p.get("budget")), currency.decimals), currency)
        except DomainError:
            budget = str(p.get("budget"))
        said.append(
            _("{policy}: a budget of {grain} grain ({amount})").format(
                policy=name, grain=fmt.number(_grain(p.get("budget_grain"))), amount=budget
            )
        )
    cred_time = _day(d.source.get("cred_time"))
    value = _grain(d.params.get("grain_value"))
    return {
        "imported": {
            "id": str(d.source.get("distribution", "")),
            "cred": fmt.date(cred_time) if cred_time else "—",
            "policies": ", ".join(
                _(SOURCECRED_POLICIES[k]) if k in SOURCECRED_POLICIES else k
                for k in dict.fromkeys(str(p.get("policy", "")) for p in policies)
            ),
        },
        "hint": _(
            "Imported from SourceCred: what each member received there, at {value} per grain."
        ).format(value=_per_grain(value, currency, fmt)),
        "period": (
            _("imported from SourceCred · cred up to {date}").format(date=fmt.date(cred_time))
            if cred_time
            else _("imported from SourceCred")
        ),
        "fund": _("SourceCred, outside partage's ledger"),
        "parameters": said,
    }


def _grain(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


def _per_grain(value: Decimal, currency: Currency, fmt: Formatter) -> str:
    """The value of one grain: an amount when it is a whole number of minor units, else
    the exact number and the currency's code."""
    minor = value.scaleb(currency.decimals)
    if minor == minor.to_integral_value():
        return fmt.money(int(minor), currency)
    return f"{fmt.number(value)} {currency.code}"


def _day(value: object) -> date | None:
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def _read(source: Mapping[str, Any], fmt: Formatter, request: Request) -> str:
    """What a posted distribution read: members' scores, or the contributions of a period."""
    given = source.get("scores")
    if source.get("cred"):
        _ = gettext(request)
        return _("each member's cred per week: {period}").format(
            period=_period(source.get("since"), source.get("until"), fmt, request)
        )
    if isinstance(given, Mapping):
        intervals = max((len(row) for row in given.values()), default=0)
        return _scored(len(given), intervals, request)
    return _period(source.get("since"), source.get("until"), fmt, request)


def _scored(members: int, intervals: int, request: Request) -> str:
    _ = gettext(request)
    return _("scores of {members} member(s) over {intervals} interval(s)").format(
        members=members, intervals=intervals
    )


def _period(since: object, until: object, fmt: Formatter, request: Request) -> str:
    _ = gettext(request)

    def day(value: object) -> str:
        try:
            return fmt.date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)

    if since and until:
        return _("from {start} to {end}").format(start=day(since), end=day(until))
    if since:
        return _("since {start}").format(start=day(since))
    if until:
        return _("until {end}").format(end=day(until))
    return _("every contribution recorded")


def _sentence(text: str) -> str:
    """A phrase as the start of a sentence (capitalized, the rest left as it is)."""
    return text[:1].upper() + text[1:]


def list_context(
    request: Request, uow: UnitOfWork, actor: Actor, params: Params | None
) -> dict[str, Any]:
    fmt = Formatter(lang_of(request))
    choice = choice_of(params) if params is not None and is_asked(params) else Choice()
    activities = _activities(uow, actor)
    past = sorted(distributions.distributions(uow, actor=actor), key=lambda d: -d.id)
    return {
        **org_frame(uow, actor, section="distributions"),
        "past": [_describe(d, actor, fmt, request) for d in past],
        "choice": choice,
        "activities": activities,
        "rate_rows": _rate_rows(choice, activities),
        "model_keys": MODEL_KEYS,
        "model_names": MODEL_NAMES,
        "model_hints": MODEL_HINTS,
        "policies": GRAIN_POLICIES,
        "policy_names": POLICY_NAMES,
        "policy_hints": POLICY_HINTS,
    }


def show_list(
    request: Request,
    slug: str,
    *,
    params: Params | None = None,
    error: DomainError | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = list_context(request, uow, actor, params)
    return render_form_page(
        request, "distributions.html", context, error=error, form="preview", values={}
    )


@router.get("/o/{slug}/distributions")
def distributions_page(request: Request, slug: str) -> Response:
    return show_list(request, slug, params=request.query_params)


def _query(params: Params) -> list[tuple[str, str]]:
    """The preview's own fields, to carry along in the forms that post one of its models."""
    return [
        (name, value)
        for name, value in params.multi_items()
        if name in PREVIEW_FIELDS and isinstance(value, str)
    ]


def preview_context(
    request: Request, uow: UnitOfWork, actor: Actor, params: Params
) -> dict[str, Any]:
    currency = actor.organization.currency
    _ = gettext(request)
    fmt = Formatter(lang_of(request))
    choice = choice_of(params)
    budget = budget_of(choice, currency)
    chosen = model_specs(choice, currency)
    data = scores.source_of(uow, actor, choice, choice.models)
    seen = distributions.preview(
        uow,
        actor=actor,
        models=[spec for _key, spec in chosen],
        data=data,
        budget=budget,
        language=lang_of(request),
    )
    columns = [
        column(key, result, currency, lang_of(request))
        for (key, _spec), result in zip(chosen, seen.results, strict=True)
    ]
    query = _query(params)

    def money(minor: int) -> str:
        return fmt.money(minor, currency)

    return {
        **org_frame(uow, actor, section="distributions"),
        "choice": choice,
        # Grain's policy in words: its column alone does not tell how it read the scores.
        "said": {
            key: parameters(spec["type"], spec, currency, money, _)
            for key, spec in chosen
            if key in ON_SCORES
        },
        "budget": budget,
        "period": _sentence(_period(data.since, data.until, fmt, request)),
        "read": seen.contributions,
        "scored": scores.size(data),
        "on_cred": data.cred,
        "columns": columns,
        "lines": lines(columns, seen.names, _),
        "model_names": MODEL_NAMES,
        "model_hints": MODEL_HINTS,
        "query": query,
        "fund_choices": FUND_CHOICES,
    }


def show_preview(
    request: Request,
    slug: str,
    params: Params,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    refusal: InvalidInput | None = None
    shown: dict[str, Any] = {}
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        try:
            shown = preview_context(request, uow, actor, params)
        except InvalidInput as refused:
            refusal = refused
    if refusal is not None:
        # The preview's own choices are wrong: the form again, with the message.
        return show_list(request, slug, params=params, error=refusal)
    return render_form_page(
        request,
        "distribution_preview.html",
        shown,
        error=error,
        form=form,
        values=values,
        offered={f"post-{c.key}": shown["is_admin"] for c in shown["columns"]},
    )


@router.get("/o/{slug}/distributions/preview")
def preview_page(request: Request, slug: str) -> Response:
    return show_preview(request, slug, request.query_params)


@router.post("/o/{slug}/distributions/preview")
async def preview_posted(request: Request, slug: str) -> Response:
    """The form, posted: with grain, the comparison over the scores given; without, on to
    the comparison's address. ``change`` (from a comparison) shows the form again, filled."""
    form = await forms.posted(request)
    upload = forms.upload(form, scores.FILE_FIELD)
    data = await upload.read(scores.MAX_BYTES + 1) if upload is not None else b""
    await form.close()  # the upload is spooled to a temporary file
    fields: list[tuple[str, str | UploadFile]] = [
        (k, v) for k, v in form.multi_items() if k in PREVIEW_FIELDS and isinstance(v, str)
    ]

    def answer() -> Response:
        try:
            params = scores.with_file(fields, data)
        except InvalidInput as refused:
            return show_list(request, slug, params=FormData(fields), error=refused)
        if "change" in form:
            return show_list(request, slug, params=params)
        chosen = choice_of(params)
        if not chosen.on_scores or chosen.on_cred:
            kept = [(k, v) for k, v in fields if k != "scores"]
            return redirect(f"/o/{slug}/distributions/preview?{urlencode(kept)}")
        return show_preview(request, slug, params)

    return await run_in_threadpool(answer)


def _fund(form: FormData) -> str:
    chosen = forms.text(form, "fund", "commons").strip()
    if chosen in ("project", "pool"):
        name = forms.text(form, "project").strip().lower()
        if not name:
            raise InvalidInput("distribution.no_project", "name the project", field="fund")
        return f"{chosen}:{name}"
    if chosen != "commons":
        raise InvalidInput("distribution.bad_fund", "pay from commons or a project", "fund")
    return chosen


@router.post("/o/{slug}/distributions")
async def post_distribution(request: Request, slug: str) -> Response:
    def post(uow: UnitOfWork, actor: Actor, form: FormData) -> Distribution:
        currency = actor.organization.currency
        choice = choice_of(form)
        wanted = forms.text(form, "post_model")
        specs = dict(model_specs(choice, currency))
        if wanted not in specs:
            raise InvalidInput(
                "distribution.no_model", "choose one of the models compared", field="model"
            )
        return distributions.run(
            uow,
            actor=actor,
            model=specs[wanted],
            data=scores.source_of(uow, actor, choice, (wanted,)),
            budget=budget_of(choice, currency),
            fund=_fund(form),
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        post,
        again=lambda error, form: show_preview(
            request,
            slug,
            form,
            error=error,
            form=f"post-{forms.text(form, 'post_model')}",
            values=form,
        ),
        done=N_("The distribution is posted to the ledger: each member can see what they got."),
        then=lambda done: f"/o/{slug}/distributions/{done.id}",
    )


@router.get("/o/{slug}/distributions/{distribution_id}")
def distribution_page(request: Request, slug: str, distribution_id: str) -> Response:
    did = forms.path_id(distribution_id, what="distribution")
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        found = distributions.distribution(uow, actor=actor, distribution_id=did)
        frame = org_frame(uow, actor, section="distributions")
        names = {str(mid): name for mid, name in frame["names"].items()}
        described = _describe(found, actor, Formatter(lang_of(request)), request)
    currency = actor.organization.currency
    posted = column(described["key"], found.result, currency, lang_of(request))
    context = {
        **frame,
        **described,
        "columns": [posted],
        "lines": lines([posted], names, gettext(request)),
        "by": frame["names"].get(found.created_by, f"#{found.created_by}"),
        "model_names": MODEL_NAMES,
    }
    return render_form_page(request, "distribution.html", context)


def paid_to(uow: UnitOfWork, actor: Actor, member_id: int) -> list[tuple[Distribution, int]]:
    """The distributions that gave this member something, newest first, with the amount."""
    currency = actor.organization.currency
    found = []
    for d in sorted(distributions.distributions(uow, actor=actor), key=lambda d: -d.id):
        amount = column(key_of(d.model, d.params), d.result, currency).allocations.get(
            str(member_id), 0
        )
        if amount:
            found.append((d, amount))
    return found


def model_name(d: Distribution, request: Request) -> str:
    key = key_of(d.model, d.params)
    return gettext(request)(MODEL_NAMES[key]) if key in MODEL_NAMES else d.model
