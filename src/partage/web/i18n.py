"""Languages of the web pages: catalogues, the reader's locale, and locale-aware formatting.

The ``.po`` catalogues under ``locales/`` are read and compiled in memory at start-up, so a
checkout runs without a build step. Message ids are the English texts; English therefore
needs no translation and its catalogue only exists to make the set explicit.

The locale is chosen in this order: ``?lang=`` in the URL (remembered in a cookie), the
cookie, the browser's Accept-Language, then French — partage's first users are
French-speaking collectives.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations
from babel.units import format_unit

from partage.core.currency import Currency
from partage.core.errors import DomainError
from partage.core.money import Money

SUPPORTED = ("fr", "en")
DEFAULT = "fr"
LANG_COOKIE = "lang"
LOCALES_DIR = Path(__file__).parent / "locales"

try:
    # Times are shown on the wall clock of the collectives partage serves first; the
    # organizations carry no time zone of their own yet.
    DISPLAY_ZONE: ZoneInfo | None = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without tzdata shows UTC
    DISPLAY_ZONE = None


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark a message for extraction without translating it yet (translated when shown)."""
    return message


def load_translations(directory: Path = LOCALES_DIR) -> dict[str, Translations]:
    """Each supported locale's catalogue, compiled in memory from its ``.po`` file."""
    catalogues: dict[str, Translations] = {}
    for lang in SUPPORTED:
        po_path = directory / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        catalogues[lang] = Translations(fp=buffer)
    return catalogues


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for choice in (query, cookie):
        if choice in SUPPORTED:
            return choice
    if accept_language:
        preferred = []
        for part in accept_language.split(","):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            if tag:
                preferred.append((quality, tag.strip()))
        ordered = [tag for _, tag in sorted(preferred, key=lambda p: -p[0])]
        try:
            found = Locale.negotiate(ordered, list(SUPPORTED), sep="-")
        except (UnknownLocaleError, ValueError):
            found = None
        if found is not None:
            return found.language
    return DEFAULT


# Domain error codes shown to readers, in their words. The message of a code not listed here
# is shown as the service wrote it (in English).
ERROR_MESSAGES: dict[str, str] = {
    "auth.failed": N_("Wrong email or password."),
    "auth.required": N_("Please sign in to continue."),
    "csrf.refused": N_(
        "This form has expired or did not come from partage. Reload the page and try again."
    ),
    "amount.not_a_number": N_("Type an amount such as 12.50 or 12,50."),
    "amount.too_many_decimals": N_("This amount has more decimals than the currency allows."),
    "amount.too_large": N_("This amount is too large."),
    "amount.negative": N_("The amount must not be negative."),
    "amount.zero": N_("The amount must be greater than zero."),
    "objection.window_closed": N_("The objection window of this claim has passed."),
    "objection.own_claim": N_("You cannot object to your own claim."),
    "objection.duplicate": N_("You already have a standing objection to this claim."),
    "objection.not_objector": N_("Only its author can withdraw an objection."),
    "objection.resolved": N_("This objection is already resolved."),
    "objection.unknown": N_("There is no such objection on this claim."),
    "role.not_admin": N_("Only an admin of the organization can do this."),
    "role.observer": N_("Observers can read but not act in this organization."),
    "round.closed": N_("This round is closed."),
    "round.not_found": N_("There is no such round."),
    "round.insufficient_fund": N_(
        "The commons fund holds {available}: not enough for {needed}. Record a deposit first."
    ),
    "round.bad_window": N_("The objection window is between 1 and 366 days."),
    "round.bad_policy": N_("Choose a policy: pro rata, in order or debt."),
    "round.bad_unspent": N_("Choose what happens to the unspent envelope."),
    "claim.not_found": N_("There is no such claim."),
    "claim.not_claimant": N_("Only the claimant can do this."),
    "claim.withdrawn": N_("This claim was withdrawn."),
    "claim.accepted": N_("An accepted claim can no longer be amended."),
    "claim.redirect_target": N_("Say where a redirected claim goes."),
    "claim.unknown_mission": N_("This mission is not part of the round."),
    "claim.unknown_contribution": N_("Only your own contributions can be linked."),
    "redirect.self": N_("Redirecting to yourself is taking: choose another target."),
    "redirect.bad_project": N_("A project is named by lowercase letters, digits and '-'."),
    "redirect.bad_target": N_("Redirect to the commons fund, a project or a member."),
    "redirect.unknown_member": N_("There is no such member."),
    "mission.exceeds_envelope": N_("The missions add up to more than the envelope."),
    "mission.negative": N_("A mission's envelope cannot be negative."),
    "mission.unknown_steward": N_("There is no such member to steward this mission."),
    "mission.incomplete": N_("A mission needs a name and an envelope."),
    "rate.incomplete": N_("A rate needs an activity and an amount."),
    "organization.not_found": N_("This page does not exist, or is not yours to see."),
    "member.not_found": N_("There is no such member."),
    "member.bad_email": N_("This is not an email address."),
    "member.duplicate": N_("This person is already a member."),
    "member.unknown_college": N_("There is no such college."),
    "member.password_without_email": N_("A password needs an email."),
    "member.bad_role": N_("Choose a role: admin, member or observer."),
    "member.bad_kind": N_("A member is a person or an organisation."),
    "college.duplicate": N_("A college with this name exists already."),
    "password.too_short": N_("A password has at least 8 characters."),
    "payout.exceeds_owed": N_("This member is owed less than this payout."),
    "deposit.bad_fund": N_("Deposit into the commons fund or a project."),
    "contribution.future": N_("A contribution is recorded once it is done."),
    "contribution.no_measure": N_("Give hours or a quantity."),
    "contribution.bad_link": N_("A link starts with http:// or https://."),
    "contribution.other_member": N_("Only an admin records a contribution for someone else."),
    "contribution.unknown_member": N_("There is no such member."),
    "date.bad": N_("Type a date such as 2026-03-14."),
    "import.bad_header": N_(
        "The first line must name the columns: member, activity, date, hours, quantity, "
        "description, link."
    ),
    "import.empty": N_("The file has no rows."),
    "import.encoding": N_("The file is not UTF-8 text."),
    "import.too_large": N_("The file is larger than 10 MB."),
    "import.malformed": N_("The CSV file is malformed."),
    "import.no_file": N_("Choose a CSV file to import."),
    "input.not_a_number": N_("Type a whole number."),
    "import.unknown_member": N_("There is no member with this number or exact name."),
    "import.extra_cells": N_("This row has more cells than the first line has columns."),
    "currency.unknown": N_(
        "This is not an ISO 4217 currency code: for a unit of your own, give its decimals."
    ),
    "currency.bad_code": N_(
        "A unit of your own is 3 to 12 capital letters, digits or '_', starting with a letter."
    ),
    "currency.shadows_iso": N_(
        "This is an ISO 4217 currency code: leave the decimals empty, or choose another name."
    ),
    "currency.bad_decimals": N_(
        "The decimals do not fit: an ISO currency keeps its own, a unit has 0 to 6."
    ),
    "organization.bad_slug": N_("The short name is 3 to 64 lowercase letters, digits or '-'."),
    "organization.slug_taken": N_("This short name is taken: choose another."),
    "organization.bad_legal_form": N_("Choose a legal form from the list."),
    "password.wrong_current": N_("Your current password is not this one."),
    "password.mismatch": N_("The two new passwords differ."),
    "password.too_long": N_("A password has at most 1024 characters."),
    "ledger.entry_not_found": N_("There is no such entry."),
    "distribution.not_found": N_("There is no such distribution."),
    "distribution.no_model": N_("Choose at least one model."),
    "distribution.bad_model": N_("This model cannot be run on the contributions."),
    "distribution.bad_period": N_("The start of the period is after its end."),
    "distribution.insufficient_fund": N_(
        "The fund does not hold enough to pay this distribution: record a deposit first."
    ),
    "distribution.bad_fund": N_("Pay from the commons fund or a project."),
    "distribution.no_project": N_("Name the project the budget comes from."),
    "distribution.no_rates": N_("Give at least one activity a rate."),
    "distribution.bad_reserve": N_("The reserve is a whole percentage from 0 to 100."),
    "distribution.unknown_member": N_("There is no such member."),
    "distribution.no_scores": N_(
        "Grain shares the budget by scores: choose a file of scores or paste them."
    ),
    "distribution.bad_policy": N_("Choose a policy: balanced, immediate or recent."),
    "distribution.bad_discount": N_("The discount is a whole percentage from 0 to 100."),
    "scores.encoding": N_("The scores are not UTF-8 text: save the file as CSV UTF-8."),
    "scores.too_large": N_("The scores are larger than 1 MB."),
    "scores.bad_csv": N_("The scores are not a readable CSV text."),
    "scores.bad_header": N_(
        "The first line starts with “member”, then names one column per interval, "
        "for example: member,week 1,week 2."
    ),
    "scores.empty": N_("No member has scores: add one line per member under the first line."),
    "scores.unknown_member": N_(
        "Line {line}: there is no member with the number or exact name “{cell}”."
    ),
    "scores.duplicate_member": N_("Line {line}: “{cell}” already has a line of scores."),
    "scores.malformed": N_(
        "Line {line} has {cells} cells but the first line has {columns}: give each member "
        "one score per interval, with a point for decimals (2.5)."
    ),
    "scores.not_a_number": N_(
        "Line {line}, column “{column}”: “{cell}” is not a number of 0 or more "
        "(write decimals with a point: 2.5)."
    ),
    "epoch.not_found": N_("There is no such epoch."),
    "epoch.closed": N_("This epoch is closed: the gifts can no longer change."),
    "epoch.over_budget": N_("You gave more points than you have: lower some gifts."),
    "epoch.self_gift": N_("You cannot give points to yourself."),
    "epoch.unknown_receiver": N_("Points go to members of the organization, not observers."),
    "epoch.bad_points": N_("Points are a whole number, 0 or more."),
    "epoch.duplicate_receiver": N_("This member is named twice."),
    "epoch.opted_out": N_("This member opted out of receiving points in this epoch."),
    "epoch.insufficient_fund": N_(
        "The fund does not hold enough to pay this epoch: record a deposit first."
    ),
    "epoch.bad_fund": N_("Pay from the commons fund or a project."),
    "epoch.no_project": N_("Name the project the budget comes from."),
    "funding.not_found": N_("There is no such funding call."),
    "funding.closed": N_("This funding call is closed: the pledges can no longer change."),
    "funding.unknown_project": N_("This project is not part of the call."),
    "funding.duplicate_project": N_("This project is named twice."),
    "funding.no_project": N_("Name at least one project."),
    "funding.too_many_projects": N_("A call funds at most 100 projects."),
    "funding.bad_fund": N_(
        "Pay the pool from the commons fund or a project that is not in the call."
    ),
    "funding.no_fund_project": N_("Name the project the pool comes from."),
    "funding.insufficient_fund": N_(
        "The fund does not hold enough to pay the matches: record a deposit first."
    ),
    # Governance: proposals, votes, objections, bodies, and the actions a decision carries.
    "body.not_member": N_("Only the members of this body may do that here."),
    "body.observer": N_("An observer cannot sit in a circle."),
    "body.duplicate": N_("A body already has this name."),
    "body.no_members": N_("Name at least one member of the circle."),
    "proposal.closed": N_("This proposal is closed: nothing more can be done on it."),
    "proposal.not_author": N_("Only the author of the proposal may do that."),
    "proposal.not_due": N_("The closing time has not passed yet."),
    "proposal.same_text": N_("The new text is the same as the current one."),
    "proposal.bad_closing": N_("A proposal closes between 1 and 366 days from now."),
    "objection.own_proposal": N_("You cannot object to your own proposal: amend it instead."),
    "objection.standing": N_("You already have a standing objection on this proposal."),
    "objection.not_yours": N_("Only the objector may withdraw this objection."),
    "objection.not_consent": N_("Only a consent proposal takes objections."),
    "vote.already_cast": N_("You already voted in this secret ballot: a secret vote is final."),
    "vote.block_not_allowed": N_("This body does not allow blocks."),
    "vote.bad_choice": N_("Choose one of the answers offered."),
    "vote.objection_stands": N_("Withdraw your objection before consenting."),
    "vote.unchanged": N_("That is already your vote."),
    "vote.score_range": N_("A score is a whole number from 0 to 5."),
    "vote.scores_missing": N_("Score every option."),
    "decision.too_early": N_("The decider decides once the advice window has ended."),
    "decision.not_decider": N_("Only the decider of this proposal may decide."),
    "action.missing_field": N_("The action is missing a field: fill in every field it needs."),
    "action.unknown_member": N_("No such member in this organization."),
    "action.negative_envelope": N_("An envelope cannot be negative."),
    "proposal.options": N_("A score chooses between 2 and 20 options, one per line."),
    "proposal.duplicate_option": N_("The same option is given twice."),
    "proposal.no_colleges": N_(
        "A college vote needs colleges with weights; this organization has none."
    ),
    "proposal.unknown_method": N_("Choose a method from the list."),
    "proposal.empty_college": N_(
        "Nobody in the body “{body}” belongs to the college “{college}”: a college vote "
        "needs members in every college."
    ),
    "proposal.scic_colleges": N_(
        "A SCIC that votes by colleges has at least 3 of them (loi 47-1775, art. 19 octies); "
        "there are {count}."
    ),
    "proposal.scic_weight": N_(
        "In a SCIC each college weighs between 10 % and 50 % of the votes (loi 47-1775, "
        "art. 19 octies); the college “{college}” weighs {weight} %."
    ),
    "proposal.weight_range": N_(
        "The weight of the college “{college}” is {weight}: a weight is a percentage above 0."
    ),
    "proposal.weights_sum": N_("The college weights sum to {total}, not 100."),
    "action.weights_sum": N_("The college weights sum to {total}, not 100."),
    "action.bad_weight": N_("The weight of “{college}” must be a percentage above 0."),
    "action.weights_missing": N_("Give a weight to every college; missing: {colleges}."),
    "action.unknown_college": N_("There is no college “{college}”."),
    "action.unknown_round": N_("There is no round #{round}."),
    "action.unknown_role": N_("There is no role #{role}."),
    "action.role_ended": N_("The role “{role}” has already ended."),
    "action.already_member": N_("{email} is already a member."),
    "action.last_admin": N_("{name} is the last admin: make someone else admin first."),
    "action.member_balance": N_(
        "{name} cannot be removed while their account holds {balance}: settle it first."
    ),
    "action.insufficient_fund": N_(
        "The commons fund holds {available}, less than the envelope of the round."
    ),
    "round.below_missions": N_(
        "The missions of “{round}” set aside {amount}: the envelope cannot go below it."
    ),
    "round.below_accepted": N_(
        "The claims accepted in “{round}” add up to {amount}: the envelope cannot go below "
        "what was consented to."
    ),
    "power.unknown_distribution": N_("There is no recorded distribution #{distribution}."),
    "power.distribution_paid_nobody": N_(
        "Distribution #{distribution} paid no member: it cannot weigh anyone's vote."
    ),
    "power.distribution_required": N_("Choose the distribution whose payouts weigh the votes."),
    "power.distribution_not_used": N_(
        "Recorded hours take no distribution: choose one or the other."
    ),
}

# Codes built from a field name (``justification.required``) are translated by their suffix.
SUFFIX_MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "too_long": N_("This text is too long."),
    "not_a_number": N_("Type a number such as 2.5."),
    "negative": N_("This number must not be negative."),
    "zero": N_("This number must be greater than zero."),
    "too_many_decimals": N_("This number has too many decimals."),
    "too_large": N_("This number is too large."),
}


def error_message(
    error: DomainError, gettext: Callable[[str], str], formatter: Formatter | None = None
) -> str:
    """The reader's words for ``error``, naming what its params name (a line, a cell).

    A refusal raised without the params its translation names is shown as the service wrote
    it: an English sentence with its amounts beats a French one with holes in it. With a
    ``formatter``, amounts given by ``money.as_params`` are said in the reader's locale.
    """
    message = message_for(error.code, error.message, gettext)
    if error.code not in ERROR_MESSAGES:
        return message
    params = _amounts_in(error.params, formatter) if formatter is not None else error.params
    try:
        return message.format_map(params)
    except (KeyError, IndexError, ValueError):
        return error.message


def _amounts_in(params: Mapping[str, str | int], formatter: Formatter) -> dict[str, str | int]:
    """``params`` with each amount ``money.as_params`` gave said in the reader's locale."""
    said = dict(params)
    for key, minor in params.items():
        name = key.removesuffix(".minor")
        code, decimals = params.get(f"{name}.currency"), params.get(f"{name}.decimals")
        if key == name or not isinstance(minor, int):
            continue
        if isinstance(code, str) and isinstance(decimals, int):
            said[name] = formatter.money(minor, Currency(code, decimals))
    return said


def message_for(code: str, fallback: str, gettext: Callable[[str], str]) -> str:
    """The reader's words for an error ``code``; the service's (English) message otherwise."""
    if code in ERROR_MESSAGES:
        return gettext(ERROR_MESSAGES[code])
    suffix = code.rpartition(".")[2]
    if suffix in SUFFIX_MESSAGES:
        return gettext(SUFFIX_MESSAGES[suffix])
    return fallback


@dataclass(frozen=True, slots=True)
class Formatter:
    """Amounts, numbers and times for one reader's locale."""

    lang: str

    @property
    def _babel_locale(self) -> str:
        return "fr_FR" if self.lang == "fr" else "en_GB"

    def money(self, minor: int | None, currency: Currency) -> str:
        if minor is None:
            return ""
        value = Money(minor, currency).to_decimal()
        if currency.is_iso:
            return format_currency(value, currency.code, locale=self._babel_locale)
        # Own units (HOUR, CREDIT) are unknown to Babel: the number, then the code.
        pattern = "#,##0." + "0" * currency.decimals if currency.decimals else "#,##0"
        number = format_decimal(value, format=pattern, locale=self._babel_locale)
        return f"{number}\u00a0{currency.code}"

    def input_amount(self, minor: int | None, currency: Currency) -> str:
        """An amount as a reader would type it back into a form (no grouping)."""
        if minor is None:
            return ""
        text = Money(minor, currency).plain()
        return text.replace(".", ",") if self.lang == "fr" else text

    def number(self, value: Decimal | int | None) -> str:
        if value is None:
            return ""
        return format_decimal(value, locale=self._babel_locale)

    def percent(self, part: int, whole: int) -> str:
        """``part`` of ``whole`` as a percentage with at most one decimal ("62.5%", "62,5 %")."""
        if whole <= 0:
            return ""
        ratio = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), ROUND_HALF_UP)
        return format_percent(ratio, locale=self._babel_locale, decimal_quantization=False)

    def share(self, ratio: Decimal) -> str:
        """A ratio given as a decimal (``0.6316``) as a percentage with one decimal at most."""
        rounded = ratio.quantize(Decimal("0.001"), ROUND_HALF_UP)
        return format_percent(rounded, locale=self._babel_locale, decimal_quantization=False)

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        return format_date(value, format="medium", locale=self._babel_locale)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(
            value, format="d MMM y, HH:mm", tzinfo=DISPLAY_ZONE, locale=self._babel_locale
        )

    def duration(self, delta: timedelta) -> str:
        """A time left such as "6 days 23 hours": the two largest units, never rounded up."""
        seconds = max(int(delta.total_seconds()), 0)
        days, rest = divmod(seconds, 86_400)
        hours, rest = divmod(rest, 3_600)
        minutes = rest // 60
        parts: list[tuple[int, str]]
        if days:
            parts = [(days, "duration-day")] + ([(hours, "duration-hour")] if hours else [])
        elif hours:
            parts = [(hours, "duration-hour")] + ([(minutes, "duration-minute")] if minutes else [])
        else:
            parts = [(max(minutes, 1), "duration-minute")]
        return " ".join(
            format_unit(count, unit, locale=self._babel_locale) for count, unit in parts
        )
