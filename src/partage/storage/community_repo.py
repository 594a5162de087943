"""Organizations, users, members, colleges, API tokens and per-organization counters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, Row, func, insert, select, update

from partage.core.community import (
    College,
    LegalForm,
    Member,
    MemberKind,
    Organization,
)
from partage.core.currency import Currency
from partage.core.ledger import GENESIS_HASH
from partage.core.roles import Role
from partage.storage import tables as t
from partage.storage.types import fits_bigint


def _organization(row: Row[tuple[object, ...]]) -> Organization:
    m = row._mapping
    return Organization(
        id=m["id"],
        slug=m["slug"],
        name=m["name"],
        currency=Currency(m["currency_code"], m["currency_decimals"]),
        legal_form=LegalForm(m["legal_form"]),
        public_page=bool(m["public_page"]),
        created_at=m["created_at"],
    )


def _member(row: Row[tuple[object, ...]]) -> Member:
    m = row._mapping
    return Member(
        id=m["id"],
        organization_id=m["organization_id"],
        name=m["name"],
        kind=MemberKind(m["kind"]),
        role=Role(m["role"]),
        college_id=m["college_id"],
        user_id=m["user_id"],
        joined_at=m["joined_at"],
    )


class CommunityRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- counters -----------------------------------------------------------------------
    def next_id(self, organization_id: int, kind: str) -> int:
        row = self.conn.execute(
            update(t.counters)
            .where(t.counters.c.organization_id == organization_id, t.counters.c.kind == kind)
            .values(value=t.counters.c.value + 1)
            .returning(t.counters.c.value)
        ).one()
        return int(row[0])

    # -- organizations ------------------------------------------------------------------
    def add_organization(
        self,
        *,
        slug: str,
        name: str,
        currency: Currency,
        legal_form: LegalForm,
        public_page: bool,
        now: datetime,
    ) -> Organization:
        org_id = self.conn.execute(
            insert(t.organizations)
            .values(
                slug=slug,
                name=name,
                currency_code=currency.code,
                currency_decimals=currency.decimals,
                legal_form=legal_form.value,
                public_page=public_page,
                created_at=now,
                ledger_seq=0,
                ledger_head=GENESIS_HASH,
            )
            .returning(t.organizations.c.id)
        ).scalar_one()
        self.conn.execute(
            insert(t.counters),
            [{"organization_id": org_id, "kind": kind, "value": 0} for kind in t.COUNTER_KINDS],
        )
        found = self.organization(org_id)
        assert found is not None
        return found

    def organization(self, org_id: int) -> Organization | None:
        row = self.conn.execute(
            select(t.organizations).where(t.organizations.c.id == org_id)
        ).first()
        return _organization(row) if row else None

    def organization_by_slug(self, slug: str) -> Organization | None:
        row = self.conn.execute(
            select(t.organizations).where(t.organizations.c.slug == slug)
        ).first()
        return _organization(row) if row else None

    def slug_taken(self, slug: str) -> bool:
        return self.organization_by_slug(slug) is not None

    def set_public_page(self, org_id: int, public: bool) -> None:
        self.conn.execute(
            update(t.organizations).where(t.organizations.c.id == org_id).values(public_page=public)
        )

    def organizations_of_user(self, user_id: int) -> list[tuple[Organization, Member]]:
        rows = self.conn.execute(
            select(t.organizations, t.members.c.id.label("member_id"))
            .join(t.members, t.members.c.organization_id == t.organizations.c.id)
            .where(t.members.c.user_id == user_id)
            .order_by(t.organizations.c.name)
        ).all()
        result = []
        for row in rows:
            member = self.member(row._mapping["id"], row._mapping["member_id"])
            assert member is not None
            result.append((_organization(row), member))
        return result

    def public_organizations(self) -> list[Organization]:
        rows = self.conn.execute(
            select(t.organizations)
            .where(t.organizations.c.public_page.is_(True))
            .order_by(t.organizations.c.name)
        ).all()
        return [_organization(r) for r in rows]

    # -- users ----------------------------------------------------------------------------
    def add_user(
        self, *, email: str, display_name: str, password_hash: str | None, now: datetime
    ) -> int:
        return int(
            self.conn.execute(
                insert(t.users)
                .values(
                    email=email,
                    display_name=display_name,
                    password_hash=password_hash,
                    created_at=now,
                )
                .returning(t.users.c.id)
            ).scalar_one()
        )

    def user_by_email(self, email: str) -> Row[tuple[object, ...]] | None:
        return self.conn.execute(select(t.users).where(t.users.c.email == email)).first()

    def user(self, user_id: int) -> Row[tuple[object, ...]] | None:
        return self.conn.execute(select(t.users).where(t.users.c.id == user_id)).first()

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.conn.execute(
            update(t.users).where(t.users.c.id == user_id).values(password_hash=password_hash)
        )

    # -- colleges -------------------------------------------------------------------------
    def add_college(self, org_id: int, *, name: str, weight: Decimal) -> College:
        college_id = self.next_id(org_id, "college")
        self.conn.execute(
            insert(t.colleges).values(
                organization_id=org_id, id=college_id, name=name, weight=str(weight)
            )
        )
        return College(college_id, name, weight)

    def colleges(self, org_id: int) -> list[College]:
        rows = self.conn.execute(
            select(t.colleges)
            .where(t.colleges.c.organization_id == org_id)
            .order_by(t.colleges.c.id)
        ).all()
        return [College(r.id, r.name, Decimal(r.weight)) for r in rows]

    def college_by_name(self, org_id: int, name: str) -> College | None:
        lowered = name.strip().lower()
        return next((c for c in self.colleges(org_id) if c.name.lower() == lowered), None)

    # -- members --------------------------------------------------------------------------
    def add_member(
        self,
        org_id: int,
        *,
        name: str,
        kind: MemberKind,
        role: Role,
        college_id: int | None,
        user_id: int | None,
        now: datetime,
    ) -> Member:
        member_id = self.next_id(org_id, "member")
        self.conn.execute(
            insert(t.members).values(
                organization_id=org_id,
                id=member_id,
                name=name,
                kind=kind.value,
                role=role.value,
                college_id=college_id,
                user_id=user_id,
                joined_at=now,
            )
        )
        found = self.member(org_id, member_id)
        assert found is not None
        return found

    def member(self, org_id: int, member_id: int) -> Member | None:
        if not fits_bigint(member_id):
            return None
        row = self.conn.execute(
            select(t.members).where(
                t.members.c.organization_id == org_id, t.members.c.id == member_id
            )
        ).first()
        return _member(row) if row else None

    def member_of_user(self, org_id: int, user_id: int) -> Member | None:
        row = self.conn.execute(
            select(t.members).where(
                t.members.c.organization_id == org_id, t.members.c.user_id == user_id
            )
        ).first()
        return _member(row) if row else None

    def members(self, org_id: int) -> list[Member]:
        rows = self.conn.execute(
            select(t.members).where(t.members.c.organization_id == org_id).order_by(t.members.c.id)
        ).all()
        return [_member(r) for r in rows]

    def member_emails(self, org_id: int) -> dict[int, str]:
        rows = self.conn.execute(
            select(t.members.c.id, t.users.c.email)
            .join(t.users, t.users.c.id == t.members.c.user_id)
            .where(t.members.c.organization_id == org_id)
        ).all()
        return {r.id: r.email for r in rows}

    def member_count(self, org_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(t.members)
                .where(t.members.c.organization_id == org_id)
            ).scalar_one()
        )

    # -- API tokens -----------------------------------------------------------------------
    def add_token(
        self, org_id: int, *, member_id: int, token_hash: str, label: str, now: datetime
    ) -> int:
        token_id = self.next_id(org_id, "api_token")
        self.conn.execute(
            insert(t.api_tokens).values(
                organization_id=org_id,
                id=token_id,
                member_id=member_id,
                token_hash=token_hash,
                label=label,
                created_at=now,
            )
        )
        return token_id

    def token_owner(self, token_hash: str) -> tuple[int, int] | None:
        row = self.conn.execute(
            select(t.api_tokens.c.organization_id, t.api_tokens.c.member_id).where(
                t.api_tokens.c.token_hash == token_hash, t.api_tokens.c.revoked_at.is_(None)
            )
        ).first()
        return (int(row[0]), int(row[1])) if row else None
