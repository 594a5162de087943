"""The cred page: each member's cred per week as a chart, the members by cred with their
share, where a member's cred came from, and (admins) the weights of the activities.

The chart is an SVG drawn here on the server: one stacked bar per week, a colour for each
of the members with the most cred and one grey for all the others together, so that it
stays legible at fifty members and three years of weeks. Every bar has a tooltip and the
table below gives the same figures as text.

An organization with nothing to score yet gets a page saying how cred comes in, not an
error. A refused weight is shown next to its field, in the reader's language, with what was
typed; nothing is written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.services import org_cred
from partage.services.context import Actor, UnitOfWork
from partage.services.contributions import parse_day
from partage.services.org_cred import CredSource, CredWeights, MemberCred, OrgCred
from partage.web import forms, i18n
from partage.web.actions import act_on_form
from partage.web.i18n import N_, Formatter
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    FormError,
    WebRoute,
    gettext,
    lang_of,
    render,
    status_of,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)

TOP = 8  # members drawn in a colour of their own; the rest are "others"
# Okabe–Ito's colours, told apart with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
OTHERS_COLOUR = "#B8C2C8"
WEEKS_SHOWN = 8  # weeks listed under "where the cred came from", newest first
SOURCES_SHOWN = 8  # sources listed per week, largest first
NEW_ROWS = 1  # blank rows to weigh an activity not recorded yet

# The chart's frame, in SVG units (it scales to the page's width).
WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP_MARGIN, BOTTOM = 64, 12, 12, 40

WEIGHT_ERRORS = {
    "cred.bad_weight": N_("A weight is a number of 0 or more, such as 1, 2.5 or 0."),
    "cred.bad_activity": N_("An activity's name has 1 to 100 characters."),
    "cred.unknown_weight": N_("This is not a weight partage knows."),
    "cred.bad_period": N_("The start of the period is after its end."),
}


@dataclass(frozen=True, slots=True)
class Series:
    """One colour of the chart: a member, or the others together (``member_id`` None)."""

    member_id: int | None
    name: str
    colour: str
    cred: float
    per_week: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: float  # the y of the axis
    right: float
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]


def series_of(found: OrgCred, others: str, top: int = TOP) -> tuple[Series, ...]:
    """The ``top`` members with cred, each in a colour, then everyone else as one series."""
    ranked = [m for m in found.members if m.cred > 0]
    shown = [
        Series(m.member_id, m.name, PALETTE[i % len(PALETTE)], m.cred, m.per_week)
        for i, m in enumerate(ranked[:top])
    ]
    rest = ranked[top:]
    if rest:
        weeks = len(found.weeks)
        summed = tuple(sum(m.per_week[w] for m in rest) for w in range(weeks))
        shown.append(Series(None, others, OTHERS_COLOUR, sum(m.cred for m in rest), summed))
    return tuple(shown)


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` gridlines."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(f * power for f in (1.0, 2.0, 5.0, 10.0) if f * power >= raw)


def chart_of(
    found: OrgCred,
    series: Sequence[Series],
    *,
    number: Callable[[float], str],
    day: Callable[[date], str],
    bar_title: Callable[[str, date, float], str],
) -> Chart:
    """The stacked bars' geometry: a bar per week, its members' cred stacked in rank order."""
    weeks = len(found.weeks)
    totals = [sum(s.per_week[w] for s in series) for w in range(weeks)]
    step = nice_step(max(totals, default=0.0))
    top = step * max(1, math.ceil(max(totals, default=0.0) / step - 1e-9))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP_MARGIN - BOTTOM
    axis = TOP_MARGIN + plot_h
    slot = plot_w / max(weeks, 1)
    bar_w = max(slot * 0.8, 0.6)
    bars: list[Bar] = []
    for w, week in enumerate(found.weeks):
        x = LEFT + w * slot + (slot - bar_w) / 2
        y = float(axis)
        for s in series:
            value = s.per_week[w]
            if value <= 0:
                continue
            h = plot_h * value / top
            y -= h
            bars.append(Bar(x, y, bar_w, h, s.colour, bar_title(s.name, week, value)))
    y_ticks = tuple(
        Tick(axis - plot_h * (i * step) / top, number(i * step))
        for i in range(round(top / step) + 1)
    )
    every = max(1, math.ceil(weeks / 6))
    x_ticks = tuple(
        Tick(LEFT + w * slot + slot / 2, day(found.weeks[w])) for w in range(0, weeks, every)
    )
    return Chart(
        WIDTH, HEIGHT, LEFT, axis, WIDTH - RIGHT, tuple(bars), y_ticks, x_ticks, tuple(series)
    )


def _cred_text(lang: str) -> Callable[[float], str]:
    """Cred with two decimals, in the reader's notation (1 234,50 / 1,234.50)."""
    locale = "fr_FR" if lang == "fr" else "en_GB"

    def text(value: float) -> str:
        rounded = Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return format_decimal(rounded, format="#,##0.00", locale=locale)

    return text


def _share(fmt: Formatter, part: float, whole: float) -> str:
    if whole <= 0:
        return fmt.share(Decimal(0))
    return fmt.share(Decimal(repr(part / whole)))


@dataclass(frozen=True, slots=True)
class WeekSources:
    week: date
    cred: float
    sources: tuple[CredSource, ...]
    more: int
    more_cred: float


def weeks_of(member: MemberCred) -> tuple[WeekSources, ...]:
    """A member's sources grouped by the week their cred came in, newest weeks first, each
    largest first; a week's cred is what came in that week (all of it, shown or not)."""
    by_week: dict[date, list[CredSource]] = {}
    for source in member.sources:
        by_week.setdefault(source.week, []).append(source)
    found = []
    for week in sorted(by_week, reverse=True)[:WEEKS_SHOWN]:
        ranked = sorted(by_week[week], key=lambda s: -s.cred)
        shown, rest = ranked[:SOURCES_SHOWN], ranked[SOURCES_SHOWN:]
        found.append(
            WeekSources(
                week,
                sum(s.cred for s in ranked),
                tuple(shown),
                len(rest),
                sum(s.cred for s in rest),
            )
        )
    return tuple(found)


def _chosen(request: Request, found: OrgCred, actor: Actor) -> MemberCred | None:
    """The member whose sources are shown: ``?member=``, else the reader when they have cred,
    else whoever has the most."""
    asked = request.query_params.get("member", "").strip()
    by_id = {m.member_id: m for m in found.members}
    if asked.isdigit() and len(asked) < 19 and int(asked) in by_id:
        return by_id[int(asked)]
    mine = by_id.get(actor.member.id)
    if mine is not None and mine.cred > 0:
        return mine
    return found.members[0] if found.members and found.members[0].cred > 0 else None


def weight_rows(weights: CredWeights) -> list[tuple[str, str]]:
    rows = [(name, _plain(w)) for name, w in weights.effective().items()]
    return rows + [("", "")] * NEW_ROWS


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _period(request: Request, context: dict[str, Any]) -> tuple[date | None, date | None]:
    """The weeks asked for with ``?since=`` and ``?until=``; a bad one is said on the
    period's form and every week is shown instead."""
    asked = {k: request.query_params.get(k, "").strip()[:40] for k in ("since", "until")}
    context["period"] = asked
    kept = {k: v for k, v in asked.items() if v}
    context["member_query"] = lambda member_id: urlencode({**kept, "member": member_id})
    try:
        since = parse_day(asked["since"], field="since") if asked["since"] else None
        until = parse_day(asked["until"], field="until") if asked["until"] else None
        if since is not None and until is not None and since > until:
            raise InvalidInput("cred.bad_period", "since must not be after until", "since")
    except InvalidInput as error:
        _ = gettext(request)
        wording = WEIGHT_ERRORS.get(error.code)
        context["error"] = FormError(
            "period", error.field, _(wording) if wording else i18n.error_message(error, _)
        )
        context["values"] = asked
        return None, None
    return since, until


def page_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    _ = gettext(request)
    fmt = Formatter(lang_of(request))
    cred_text = _cred_text(lang_of(request))
    weights = org_cred.cred_weights(uow, actor=actor)
    context: dict[str, Any] = {
        **org_frame(uow, actor, section="cred"),
        "weights": weights,
        "weight_rows": weight_rows(weights),
        "scalars": {
            "default_activity": _plain(weights.default_activity),
            "claim": _plain(weights.claim),
            "gift": _plain(weights.gift),
        },
        "cred_text": cred_text,
        "found": None,
    }
    since, until = _period(request, context)
    try:
        found = org_cred.org_cred(uow, actor=actor, since=since, until=until)
    except InvalidInput as error:
        if error.code != "cred.nothing_to_score":
            raise
        return context
    series = series_of(found, _("Everyone else"))
    chart = chart_of(
        found,
        series,
        number=cred_text,
        day=fmt.date,
        bar_title=lambda name, week, value: (
            _("%(name)s, week of %(week)s: %(cred)s")
            % {"name": name, "week": fmt.date(week), "cred": cred_text(value)}
        ),
    )
    chosen = _chosen(request, found, actor)
    context.update(
        {
            "found": found,
            "chart": chart,
            "ranked": [
                {"m": m, "share": _share(fmt, m.cred, found.total), "rank": i + 1}
                for i, m in enumerate(found.members)
            ],
            "colours": {s.member_id: s.colour for s in series if s.member_id is not None},
            "chosen": chosen,
            "chosen_weeks": weeks_of(chosen) if chosen else (),
            "french": lang_of(request) == "fr",
        }
    )
    return context


def show(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = page_context(request, uow, actor)
    period_refused = isinstance(context.get("error"), FormError)
    status = 400 if period_refused else 200
    if error is not None:
        _ = gettext(request)
        wording = WEIGHT_ERRORS.get(error.code)
        message = _(wording) if wording else i18n.error_message(error, _)
        context["error"] = FormError(
            "weights", error.field, message, on_top=error.kind != "invalid"
        )
        status = status_of(error)
        if form is not None:
            names, values = forms.texts(form, "activity"), forms.texts(form, "weight")
            context["weight_rows"] = list(zip(names, values, strict=False))
            context["scalars"] = {k: forms.text(form, k) for k in context["scalars"]}
    context["weight_fields"] = (
        *("default_activity", "claim", "gift", "activities"),
        *(f"activities.{name}" for name, _value in context["weight_rows"]),
    )
    return render(request, "cred.html", context, status=status)


@router.get("/o/{slug}/cred")
def cred_page(request: Request, slug: str) -> Response:
    return show(request, slug)


def changes_of(form: FormData, current: CredWeights) -> dict[str, Any]:
    """The posted weights in the shape ``set_cred_weights`` takes: an activity's emptied
    weight goes back to the default, a new row adds one."""
    activities: dict[str, str | None] = {}
    names, values = forms.texts(form, "activity"), forms.texts(form, "weight")
    if len(names) != len(values):
        raise InvalidInput("cred.bad_weight", "each activity needs its weight", "activities")
    for name, value in zip(names, values, strict=True):
        name, value = " ".join(name.split()), value.strip()
        if not name:
            if value:
                raise InvalidInput(
                    "cred.bad_activity", "name the activity this weight is for", "activities"
                )
            continue
        if value:
            activities[name] = value
        elif name in current.activities:
            activities[name] = None
    changes: dict[str, Any] = {"activities": activities}
    for key in ("default_activity", "claim", "gift"):
        value = forms.text(form, key).strip()
        if value:
            changes[key] = value
    return changes


@router.post("/o/{slug}/cred/weights")
async def set_weights(request: Request, slug: str) -> Response:
    def setting(uow: UnitOfWork, actor: Actor, form: FormData) -> CredWeights:
        current = org_cred.cred_weights(uow, actor=actor)
        return org_cred.set_cred_weights(
            uow, actor=actor, weights=changes_of(form, current), now=request.app.state.clock()
        )

    return await act_on_form(
        request,
        slug,
        setting,
        again=lambda error, form: show(request, slug, error=error, form=form),
        done=N_("The weights are saved: the cred below is computed with them."),
        then=f"/o/{slug}/cred#weights",
    )
