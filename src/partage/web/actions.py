"""Acting on a posted form inside an organization: the one flow its POST handlers share.

:func:`act_on_form` guarantees, for every handler that goes through it:

- the form is read through :func:`forms.posted`, so it is acted on only with its session's
  CSRF token;
- the reader is resolved to a member of the organization in the URL, and the service call
  runs in one unit of work, off the event loop;
- a domain error re-renders the page with the message next to the form that caused it and
  what was typed, with the status the error's kind calls for; the unit of work is rolled
  back, so nothing is written. An error meaning the page itself does not exist (an unknown
  organization, round or claim) is not a form's error: it goes on to become an error page;
- on success, a message is flashed and the reader is redirected (POST/redirect/GET), so a
  reload never posts the form twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.errors import DomainError
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.membership import actor_of
from partage.web.rendering import flash, redirect, uow_factory

T = TypeVar("T")


def codes(*names: str) -> Callable[[DomainError], bool]:
    """The errors, by code, that mean the page itself does not exist."""
    return lambda error: error.code in names


NO_ORGANIZATION = codes("organization.not_found")


async def act_on_form(
    request: Request,
    slug: str,
    action: Callable[[UnitOfWork, Actor, FormData], T],
    *,
    again: Callable[[DomainError, FormData], Response],
    done: str,
    then: str | Callable[[T], str],
    gone: Callable[[DomainError], bool] = NO_ORGANIZATION,
) -> Response:
    """Run ``action`` on the posted form in organization ``slug``.

    ``again`` shows the page again with a refused form's error and the posted values;
    ``done`` is the message id flashed on success; ``then`` is where to go next, or how to
    find it from what ``action`` returned; ``gone`` tells the errors that are no form's.
    """
    form = await forms.posted(request)

    def run() -> Response:
        try:
            with uow_factory(request)() as uow:
                actor = actor_of(request, uow, slug)
                result = action(uow, actor, form)
        except DomainError as error:
            if gone(error):
                raise
            return again(error, form)
        flash(request, done)
        return redirect(then if isinstance(then, str) else then(result))

    return await run_in_threadpool(run)
