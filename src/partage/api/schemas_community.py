"""Bodies for the organization, its members and colleges, contributions and API tokens."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from partage.api.schemas import Body, CurrencyOut, DecimalText, Id, Text, decimal_text
from partage.core.community import (
    College,
    Contribution,
    LegalForm,
    Member,
    MemberKind,
    Organization,
)
from partage.core.roles import Role
from partage.services.organizations import MemberView


class TokenIn(Body):
    organization: Text = Field(max_length=64, examples=["tiers-lieux"])
    email: Text = Field(max_length=254)
    password: Text = Field(max_length=1024)
    label: Text = Field("api", max_length=200, description="to recognise the token later")


class OrganizationIn(Body):
    """A new organization; the person whose email and password are given becomes its admin."""

    email: Text = Field(max_length=254)
    password: Text = Field(max_length=1024)
    name: Text = Field(max_length=200, examples=["Coopérative des communs"])
    slug: Text | None = Field(None, max_length=64, description="short name used in addresses")
    currency: Text = Field("EUR", max_length=12, description="ISO 4217 code, or an own unit")
    decimals: int | None = Field(
        None, ge=0, le=6, strict=True, description="only for an own unit such as HOUR"
    )
    legal_form: LegalForm = LegalForm.INFORMAL
    label: Text = Field("api", max_length=200, description="label of the admin token returned")


class OrganizationOut(BaseModel):
    slug: str
    name: str
    currency: CurrencyOut
    legal_form: LegalForm
    public_page: bool
    created_at: datetime

    @classmethod
    def of(cls, org: Organization) -> OrganizationOut:
        return cls(
            slug=org.slug,
            name=org.name,
            currency=CurrencyOut(code=org.currency.code, decimals=org.currency.decimals),
            legal_form=org.legal_form,
            public_page=org.public_page,
            created_at=org.created_at,
        )


class OrganizationPatch(Body):
    public_page: bool | None = Field(
        None, strict=True, description="show the books on /api/public/{slug}"
    )


class MemberOut(BaseModel):
    id: int
    name: str
    kind: MemberKind
    role: Role
    college: str | None = None
    email: str | None = Field(None, description="shown to admins, and to the member themself")
    joined_at: datetime

    @classmethod
    def of(
        cls, member: Member, *, email: str | None = None, college: str | None = None
    ) -> MemberOut:
        return cls(
            id=member.id,
            name=member.name,
            kind=member.kind,
            role=member.role,
            college=college,
            email=email,
            joined_at=member.joined_at,
        )

    @classmethod
    def of_view(cls, view: MemberView) -> MemberOut:
        return cls.of(view.member, email=view.email, college=view.college)


class TokenOut(BaseModel):
    token: str = Field(description="shown once; only its digest is kept")
    organization: OrganizationOut
    member: MemberOut


class MeOut(BaseModel):
    organization: OrganizationOut
    member: MemberOut


class MemberIn(Body):
    name: Text = Field(max_length=200)
    role: Role = Role.MEMBER
    kind: MemberKind = MemberKind.PERSON
    email: Text | None = Field(None, max_length=254, description="lets the person sign in")
    password: Text | None = Field(None, max_length=1024)
    college: Text | None = Field(None, max_length=200, description="a college's name")


class CollegeOut(BaseModel):
    id: int
    name: str
    weight: str = Field(description="the college's vote weight, as decimal text")

    @classmethod
    def of(cls, college: College) -> CollegeOut:
        return cls(id=college.id, name=college.name, weight=decimal_text(college.weight) or "0")


class CollegeIn(Body):
    name: Text = Field(max_length=200)
    weight: DecimalText


class ContributionOut(BaseModel):
    id: int
    member_id: int
    activity: str
    date: date
    hours: str | None
    quantity: str | None
    description: str
    link: str | None
    recorded_at: datetime

    @classmethod
    def of(cls, item: Contribution) -> ContributionOut:
        return cls(
            id=item.id,
            member_id=item.member_id,
            activity=item.activity,
            date=item.occurred_on,
            hours=decimal_text(item.hours),
            quantity=decimal_text(item.quantity),
            description=item.description,
            link=item.link,
            recorded_at=item.recorded_at,
        )


class ContributionIn(Body):
    activity: Text = Field(max_length=100, examples=["accueil"])
    date: Text = Field(max_length=32, examples=["2026-03-01"], description="when it was done")
    hours: DecimalText | None = None
    quantity: DecimalText | None = None
    description: Text = Field("", max_length=5000)
    link: Text | None = Field(None, max_length=2000)
    member: Id | None = Field(None, description="whose contribution (admins only; default: you)")


class ImportOut(BaseModel):
    imported: int = Field(description="how many contributions were recorded")
