"""Reading posted forms: the CSRF check and parsers that turn malformed text into domain errors.

Every POST handler reads its form through :func:`posted`, so no form is acted on without
its session's token. Parsers never let a ``ValueError`` escape: a non-integer id or a
malformed amount becomes an ``InvalidInput`` naming the field, shown next to it.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from partage.core.claims import Disposition
from partage.core.currency import Currency
from partage.core.errors import InvalidInput, NotFound
from partage.core.money import parse_minor
from partage.web.rendering import SESSION_CSRF, CsrfRefused

MAX_UPLOAD_FILES = 1
MAX_FIELDS = 200


async def posted(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=MAX_FIELDS)
    sent = form.get("csrf")
    expected = request.session.get(SESSION_CSRF)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfRefused
    return form


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else default


def texts(form: FormData, name: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in form.getlist(name)]


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) else None


def path_id(value: str, *, what: str) -> int:
    """An id from the URL; anything else is a page that does not exist."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound(f"{what}.not_found", f"no {what} '{value[:20]}'", field=what)
    return int(value)


def optional_id(value: str, *, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput("input.not_a_number", f"{field} must be a whole number", field=field)
    return int(value)


def required_id(value: str, *, field: str) -> int:
    found = optional_id(value, field=field)
    if found is None:
        raise InvalidInput(f"{field}.required", f"{field} must not be empty", field=field)
    return found


def whole_number(value: str, *, field: str, low: int, high: int, code: str) -> int:
    value = value.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput(code, f"{field} is a whole number from {low} to {high}", field=field)
    return int(value)


def amount(value: str, currency: Currency, *, field: str = "amount") -> int:
    """Decimal text typed by a person ("12,50", "12.50", "1 200") to minor units, exactly."""
    return parse_minor(value, currency.decimals, field=field)


def disposition(form: FormData) -> tuple[Disposition, str | None]:
    """Take, waive or redirect, and where a redirected amount goes, as the services spell it.

    The form offers a select (``commons``, ``member:<id>`` or ``project``) and a text box
    for the project's name, so nobody has to know the ``project:<name>`` notation.
    """
    choice = text(form, "disposition", "take").strip().lower()
    try:
        chosen = Disposition(choice)
    except ValueError:
        raise InvalidInput(
            "claim.bad_disposition", "choose take, waive or redirect", field="disposition"
        ) from None
    if chosen is not Disposition.REDIRECT:
        return chosen, None
    target = text(form, "redirect_to").strip()
    if target == "project":
        name = text(form, "project").strip().lower()
        if not name:
            raise InvalidInput("claim.redirect_target", "name the project", field="redirect_to")
        target = f"project:{name}"
    return chosen, target or None


def fund(form: FormData, *, no_project: str, bad_fund: str) -> str:
    """The fund a form pays from, as the services spell it: ``commons`` or ``project:<name>``.

    The form offers a select (``commons`` or ``project``) and a text box for the project's
    name, so nobody has to know the notation.
    """
    chosen = text(form, "fund", "commons").strip()
    if chosen == "project":
        name = text(form, "project").strip().lower()
        if not name:
            raise InvalidInput(no_project, "name the project", field="fund")
        return f"project:{name}"
    if chosen != "commons":
        raise InvalidInput(bad_fund, "pay from commons or a project", field="fund")
    return chosen


def checkbox(form: FormData, name: str) -> bool:
    return text(form, name).strip().lower() in ("1", "on", "true", "yes")
