"""Grain's scores in the distribution pages: an uploaded CSV file or the text of the box,
carried as text from the form to the preview and on to the post that confirms it.

A browser never refills a file input, so a chosen file's text takes the place of the box's:
a refused file comes back in the box, to be corrected there, and the preview carries the
text in a hidden field to the form that posts it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from starlette.datastructures import FormData, UploadFile

from partage.core.errors import InvalidInput
from partage.services import distributions
from partage.services.context import Actor, UnitOfWork
from partage.services.distributions import Source
from partage.web.comparison import ON_SCORES, Choice

FILE_FIELD = "scores_file"
# Starlette refuses a form field over 1 MB, and the text travels in form fields after this.
MAX_BYTES = 1024 * 1024


def with_file(fields: Sequence[tuple[str, str | UploadFile]], data: bytes) -> FormData:
    """The preview's fields, the text of the box replaced by the file's when one was chosen."""
    if not data:
        return FormData(list(fields))
    if len(data) > MAX_BYTES:
        raise InvalidInput("scores.too_large", "the scores are larger than 1 MB", field="scores")
    text = distributions.scores_text(data)
    return FormData([*((k, v) for k, v in fields if k != "scores"), ("scores", text)])


def scores_of(uow: UnitOfWork, actor: Actor, choice: Choice) -> dict[str, list[str]] | None:
    """The scores given with the form (None when the box is empty)."""
    if not choice.scores.strip():
        return None
    return distributions.scores_from_csv(uow, actor=actor, data=choice.scores.encode())


def source_of(uow: UnitOfWork, actor: Actor, choice: Choice, keys: Collection[str]) -> Source:
    """What the models ``keys`` read: the period's contributions, the scores, or both — or,
    for grain, the organization's cred over the period."""
    if choice.on_cred and any(k in ON_SCORES for k in keys):
        return distributions.source(choice.since, choice.until, choice.activity, cred=True)
    scores = scores_of(uow, actor, choice) if any(k in ON_SCORES for k in keys) else None
    if all(k in ON_SCORES for k in keys):
        return distributions.source(scores=scores)
    return distributions.source(choice.since, choice.until, choice.activity, scores)


def size(data: Source) -> tuple[int, int] | None:
    """How many members and intervals the scores hold, to tell the reader what was read."""
    if data.scores is None:
        return None
    return len(data.scores), max((len(row) for row in data.scores.values()), default=0)
