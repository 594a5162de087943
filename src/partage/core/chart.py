"""The chart of accounts of an organization's books.

* ``bank`` — the money the organization holds (debit balance);
* ``fund:commons`` — the commons fund, what belongs to the common project;
* ``fund:project:<slug>`` — money given to a named project;
* ``fund:rollover`` — unspent envelopes waiting for the next round;
* ``round:<id>`` — a round's envelope, set aside while the round is open;
* ``member:<id>`` — amounts owed to a member and not yet paid out;
* ``debt:<id>`` — what the organization owes a member beyond an envelope (debt policy);
* ``deficit:debts`` — the counterpart of those debts (debit balance).
"""

from __future__ import annotations

import re

from partage.core.errors import InvalidInput

BANK = "bank"
COMMONS = "fund:commons"
ROLLOVER = "fund:rollover"
DEFICIT = "deficit:debts"
_PROJECT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def member_account(member_id: int) -> str:
    return f"member:{member_id}"


def debt_account(member_id: int) -> str:
    return f"debt:{member_id}"


def round_account(round_id: int) -> str:
    return f"round:{round_id}"


def project_account(slug: str, *, field: str = "redirect_to") -> str:
    if not _PROJECT.match(slug):
        raise InvalidInput(
            "redirect.bad_project",
            "a project is named by lowercase letters, digits and '-'",
            field=field,
        )
    return f"fund:project:{slug}"


def parse_redirect(target: str, *, field: str = "redirect_to") -> str:
    """``commons``, ``project:<slug>`` or ``member:<id>`` → the account it credits."""
    value = target.strip().lower()
    if value in ("commons", "fund:commons"):
        return COMMONS
    kind, _, rest = value.partition(":")
    if kind == "project" and rest:
        return project_account(rest, field=field)
    if kind == "member" and rest.isdigit() and len(rest) < 19:
        return member_account(int(rest))
    raise InvalidInput(
        "redirect.bad_target",
        "redirect to 'commons', 'project:<name>' or 'member:<id>'",
        field=field,
    )


def member_of_account(account: str) -> int | None:
    kind, _, rest = account.partition(":")
    return int(rest) if kind in ("member", "debt") and rest.isdigit() else None
