"""Organizations, their members and colleges, and the contributions members record.

Values here are immutable; the validation functions refuse bad input with a message that
names the field and the rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.roles import Role

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LegalForm(StrEnum):
    INFORMAL = "informal"
    ASSOCIATION = "association"
    SCIC = "scic"
    SCOP = "scop"
    COMPANY = "company"


class MemberKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Organization:
    id: int
    slug: str
    name: str
    currency: Currency
    legal_form: LegalForm
    public_page: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class College:
    id: int
    name: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    organization_id: int
    name: str
    kind: MemberKind
    role: Role
    college_id: int | None
    user_id: int | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Contribution:
    id: int
    member_id: int
    activity: str
    occurred_on: date
    hours: Decimal | None
    quantity: Decimal | None
    description: str
    link: str | None
    recorded_at: datetime


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value))


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:64].strip("-")


def check_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise InvalidInput(
            "organization.bad_slug",
            "the short name is 3 to 64 lowercase letters, digits or '-'",
            field="slug",
        )
    return slug


def check_name(name: str, *, field: str = "name", limit: int = 200) -> str:
    text = " ".join(name.split())
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidInput(
            f"{field}.control_character", f"{field} contains a control character", field
        )
    if not text:
        raise InvalidInput(f"{field}.required", f"{field} must not be empty", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{field}.too_long", f"{field} is longer than {limit} characters", field)
    return text


def check_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise InvalidInput("member.bad_email", "this is not an email address", field="email")
    return value


def parse_legal_form(value: str) -> LegalForm:
    try:
        return LegalForm(value.strip().lower())
    except ValueError:
        forms = ", ".join(f.value for f in LegalForm)
        raise InvalidInput(
            "organization.bad_legal_form", f"legal form must be one of {forms}", "legal_form"
        ) from None


def parse_member_kind(value: str) -> MemberKind:
    try:
        return MemberKind(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "member.bad_kind", "a member is a person or an organisation", field="kind"
        ) from None


def parse_decimal(
    value: str | int | Decimal,
    *,
    field: str,
    places: int,
    allow_zero: bool = False,
    maximum: Decimal | None = None,
) -> Decimal:
    """A finite, non-negative decimal with at most ``places`` decimals (hours, weights…)."""
    if isinstance(value, bool):
        raise InvalidInput(f"{field}.not_a_number", f"{field} must be a number", field=field)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"{field}.not_a_number", f"{field} must be a number such as 2.5", field=field
        ) from None
    if not number.is_finite() or "e" in str(value).lower():
        raise InvalidInput(f"{field}.not_a_number", f"{field} must be a plain number", field)
    if number < 0:
        raise InvalidInput(f"{field}.negative", f"{field} must not be negative", field=field)
    if number == 0 and not allow_zero:
        raise InvalidInput(f"{field}.zero", f"{field} must be greater than zero", field=field)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InvalidInput(
            f"{field}.too_many_decimals", f"{field} has more than {places} decimal(s)", field
        )
    if maximum is not None and number > maximum:
        raise InvalidInput(f"{field}.too_large", f"{field} is at most {maximum}", field=field)
    return number


def check_link(link: str | None) -> str | None:
    if link is None or not link.strip():
        return None
    value = link.strip()
    if not re.match(r"^https?://\S+$", value) or len(value) > 2000:
        raise InvalidInput(
            "contribution.bad_link", "a link starts with http:// or https://", "link"
        )
    return value


def check_member_role(role: Role) -> Role:
    return role
