"""Where the money went: the period's flows drawn as a Sankey diagram, with the same figures
in tables under it, CSV exports, and the transactions section of a member's statement.

The drawing is SVG made on the server (no script): sales on the left, the three parts in the
middle (paid to the parties, the commission, the shares of the amount), the destinations on
the right, every ribbon as wide as the money it carries (``partage.core.sankey``). Colours
are the Okabe–Ito palette, told apart by readers with any colour vision; every figure is
also written next to its node and in the table, so colour never carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from partage.core.errors import InvalidInput
from partage.core.sankey import layout
from partage.services import value_flows as vf
from partage.services.context import Actor, UnitOfWork
from partage.services.public import public_reader
from partage.web import forms
from partage.web.i18n import N_, Formatter
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, lang_of, render, uow_factory

router = APIRouter(route_class=WebRoute)

# Okabe & Ito's palette for colour-blind readers: blue, orange, bluish green; grey for sales.
COLOURS = {"sales": "#5f6b6d", "net": "#0072b2", "commission": "#e69f00", "amount": "#009e73"}
PART_NAMES = {
    "net": N_("Paid to the parties"),
    "commission": N_("Commission"),
    "amount": N_("Shares of the amount"),
}
WIDTH = 960
LABEL_ROOM = 270  # on the right of the last column, for the destinations' names
ROW = 36  # the least height per node of the fullest column: room for one line of label
GAP = 22  # between the nodes of a column: two labels never touch, however small the nodes
PAD = 14  # above and below the drawing, so that the first and last labels are not cut


def transaction_url(slug: str, reference: str) -> str:
    """A transaction's page: its reference, which may hold '/' or spaces, as one segment."""
    return f"/o/{slug}/transactions/{quote(reference, safe='')}"


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("date.bad", f"{field} is a day written YYYY-MM-DD", field) from None


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def period_of(request: Request, now: datetime) -> tuple[date, date]:
    """``?since=&until=``, or the current month (UTC) for what is missing."""
    first, last = month_of(now.date())
    since = _day(request.query_params.get("since"), "since") or first
    until = _day(request.query_params.get("until"), "until") or last
    return since, until


def presets(now: datetime, _: Callable[[str], str]) -> list[tuple[str, date, date]]:
    this_month = month_of(now.date())
    last_month = month_of(this_month[0] - timedelta(days=1))
    year = (date(now.year, 1, 1), date(now.year, 12, 31))
    return [
        (_("This month"), *this_month),
        (_("Last month"), *last_month),
        (_("This year"), *year),
    ]


def destination_name(d: vf.Destination, _: Callable[[str], str]) -> str:
    """A destination in the reader's words."""
    if d.kind == "party":
        return _("The parties paid")
    if d.kind == "operations":
        return _("Operations")
    if d.kind == "reserve":
        return _("Impartible reserve")
    if d.kind == "commons":
        return _("Commons fund")
    if d.kind == "project":
        return _("Project %(name)s") % {"name": d.name}
    if d.kind == "pool":
        return _("Pool %(name)s") % {"name": d.name}
    if d.kind == "others":
        return _("Others (%(count)s)") % {"count": d.name}
    return d.name


@dataclass(frozen=True, slots=True)
class DrawnNode:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    amount: str
    text_x: float
    text_y: float


@dataclass(frozen=True, slots=True)
class DrawnLink:
    path: str
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Drawing:
    width: int
    height: int
    top: int  # where the layout starts: the drawing is moved down by it
    nodes: tuple[DrawnNode, ...]
    links: tuple[DrawnLink, ...]


def drawing(report: vf.FlowReport, _: Callable[[str], str], fmt: Formatter) -> Drawing | None:
    """The SVG's shapes and words, or None when the period holds nothing to draw."""
    shown = vf.diagram(report)
    if not shown.columns[0][0][1]:
        return None
    fullest = max(len(column) for column in shown.columns)
    height = max(360, ROW * fullest)
    drawn = layout(
        shown.columns, shown.links, width=WIDTH - LABEL_ROOM, height=height, node_width=16, gap=GAP
    )
    payees = sum(d.accounts for d in report.part("net").destinations)
    names = {"sales": _("Sales")}
    names.update({f"part:{p}": _(text) for p, text in PART_NAMES.items()})
    names.update({key: destination_name(d, _) for key, d in shown.destinations.items()})
    if payees:
        names["parties"] = _("Members paid (%(count)s)") % {"count": payees}
    colour_of = {"sales": COLOURS["sales"]}
    colour_of.update({f"part:{p}": COLOURS[p] for p in PART_NAMES})
    for source, target, _value in shown.links:
        if source.startswith("part:"):
            colour_of.setdefault(target, COLOURS[source.removeprefix("part:")])

    def money(minor: int) -> str:
        return fmt.money(minor, report.currency)

    nodes = tuple(
        DrawnNode(
            x=n.x,
            y=n.y,
            width=n.width,
            height=max(n.height, 1.0),
            colour=colour_of[n.key],
            label=names[n.key],
            amount=money(n.value),
            text_x=n.x + n.width + 6,
            text_y=n.middle,
        )
        for n in drawn.nodes
    )
    links = tuple(
        DrawnLink(
            path=link.path(),
            colour=colour_of[link.target if link.source == "sales" else link.source],
            title=f"{names[link.source]} → {names[link.target]}: {money(link.value)}",
        )
        for link in drawn.links
    )
    return Drawing(WIDTH, height + 2 * PAD, PAD, nodes, links)


def flows_context(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    since: date,
    until: date,
    *,
    base: str,
    csv_base: str | None = None,
) -> dict[str, Any]:
    """What the flows section shows (on the organization's page and on the public page)."""
    _ = gettext(request)
    fmt = Formatter(lang_of(request))
    report = vf.flows(uow, actor=actor, since=since, until=until)
    now = request.app.state.clock()
    query = urlencode({"since": since.isoformat(), "until": until.isoformat()})
    return {
        "report": report,
        "drawing": drawing(report, _, fmt),
        "colours": COLOURS,
        "part_name": lambda part: _(PART_NAMES[part]),
        "destination_name": lambda d: destination_name(d, _),
        "since": since,
        "until": until,
        "presets": [
            (label, f"{base}?{urlencode({'since': a.isoformat(), 'until': b.isoformat()})}")
            for label, a, b in presets(now, _)
        ],
        "period_action": base,
        "csv_totals": f"{csv_base or base}.csv?{query}",
        "csv_lines": f"{csv_base or base}.csv?{query}&detail=1",
        "flows_shown": bool(report.transactions or report.refunds)
        or "since" in request.query_params,
    }


@router.get("/o/{slug}/flows")
def flows_page(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        since, until = period_of(request, request.app.state.clock())
        context = {
            **org_frame(uow, actor, section="flows"),
            **flows_context(request, uow, actor, since, until, base=f"/o/{slug}/flows"),
        }
    return render(request, "flows.html", context)


def streamed_csv(
    request: Request, name: str, write: Callable[[UnitOfWork], Iterator[str]]
) -> StreamingResponse:
    factory = uow_factory(request)

    def lines() -> Iterator[bytes]:
        with factory(readonly=True) as uow:
            for line in write(uow):
                yield line.encode()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def public_flows(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    """The flows section of an organization's public page (``?since=&until=``)."""
    since, until = period_of(request, request.app.state.clock())
    slug = actor.organization.slug
    found = flows_context(
        request, uow, actor, since, until, base=f"/p/{slug}", csv_base=f"/p/{slug}/flows"
    )
    # Outside the collective, totals only: each transaction's reference stays inside.
    return {**found, "csv_lines": None}


@router.get("/p/{slug}/flows.csv")
def public_flows_csv(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = public_reader(uow, slug.strip().lower())
    since, until = period_of(request, request.app.state.clock())
    vf.period(since, until)
    return streamed_csv(
        request,
        f"{actor.organization.slug}-flows-{since}-{until}.csv",
        lambda u: vf.flows_csv(u, actor=actor, since=since, until=until),
    )


@router.get("/o/{slug}/flows.csv")
def flows_csv(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
    since, until = period_of(request, request.app.state.clock())
    vf.period(since, until)  # refused before the first line is sent
    detail = request.query_params.get("detail") in ("1", "true", "yes")
    write = vf.lines_csv if detail else vf.flows_csv
    return streamed_csv(
        request,
        f"{slug}-{'lines' if detail else 'flows'}-{since}-{until}.csv",
        lambda u: write(u, actor=actor, since=since, until=until),
    )


def statement_section(
    request: Request, uow: UnitOfWork, actor: Actor, member_id: int
) -> dict[str, Any]:
    """The transactions part of a member's statement page, for ``?since=&until=``."""
    since, until = period_of(request, request.app.state.clock())
    found = vf.statement(uow, actor=actor, member_id=member_id, since=since, until=until, limit=50)
    query = urlencode({"since": since.isoformat(), "until": until.isoformat()})
    base = f"/o/{actor.organization.slug}/members/{member_id}"
    return {
        # Shown when the member has transactions in the period, or a period was asked for.
        "flows_shown": bool(found.rows) or "since" in request.query_params,
        "flows": found,
        "flows_csv": f"{base}/statement.csv?{query}",
        "flows_url_of": lambda ref: transaction_url(actor.organization.slug, ref),
        "flows_presets": [
            (label, f"{base}?{urlencode({'since': a.isoformat(), 'until': b.isoformat()})}")
            for label, a, b in presets(request.app.state.clock(), gettext(request))
        ],
    }


@router.get("/o/{slug}/members/{member_id}/statement.csv")
def statement_csv(request: Request, slug: str, member_id: str) -> Response:
    mid = forms.path_id(member_id, what="member")
    since, until = period_of(request, request.app.state.clock())
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        vf.statement(uow, actor=actor, member_id=mid, since=since, until=until, limit=1)
    return streamed_csv(
        request,
        f"{slug}-statement-{mid}-{since}-{until}.csv",
        lambda u: vf.statement_csv(u, actor=actor, member_id=mid, since=since, until=until),
    )
