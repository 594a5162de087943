"""Organizations, members and colleges; who sees what."""

from __future__ import annotations

import pytest

from partage.core.community import LegalForm, MemberKind
from partage.core.currency import currency_for
from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from partage.core.roles import Role
from partage.services import accounts, organizations
from partage.services.context import acting
from partage.storage.uow import UnitOfWorkFactory
from tests.conftest import PASSWORD, Community, FakeClock, make_community


def test_an_organization_in_hours(uow: UnitOfWorkFactory, clock: FakeClock) -> None:
    with uow() as u:
        user = accounts.find_or_create_user(
            u, email="Zoe@Example.org", display_name="Zoé", password=PASSWORD, now=clock()
        )
        actor = organizations.create_organization(
            u,
            name="Accorderie du Marais",
            currency=currency_for("hour", 2),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user,
            founder_name="Zoé",
            now=clock(),
        )
    assert actor.organization.slug == "accorderie-du-marais"
    assert actor.organization.currency.code == "HOUR"
    assert actor.role is Role.ADMIN
    with uow(readonly=True) as u:
        assert accounts.sign_in(u, email="zoe@example.org", password=PASSWORD).id == user


def test_sign_in_failures_say_the_same(community: Community) -> None:
    with community.uow(readonly=True) as u:
        for email, password in (
            ("bruno@tiers-lieux.example", "wrong password"),
            ("nobody@x.example", PASSWORD),
        ):
            with pytest.raises(Unauthenticated) as err:
                accounts.sign_in(u, email=email, password=password)
            assert err.value.message == "wrong email or password"


def test_members_and_colleges(community: Community) -> None:
    c = community
    with c.uow() as u:
        org_member = organizations.add_member(
            u,
            actor=c.admin,
            name="La Fabrique",
            role=Role.MEMBER,
            kind=MemberKind.ORGANISATION,
            college="lieux",
            now=c.clock(),
        )
    assert org_member.user_id is None and org_member.kind is MemberKind.ORGANISATION
    with c.uow(readonly=True) as u:
        views = organizations.members(u, actor=c.bruno)
    # Members see each other's names, not each other's emails.
    assert {v.member.name for v in views} >= {"Aïcha", "Bruno", "La Fabrique"}
    assert [v.email for v in views if v.email] == ["bruno@tiers-lieux.example"]
    for call, code in (
        (
            lambda u: organizations.add_college(u, actor=c.admin, name="Lieux", weight="10"),
            "college.duplicate",
        ),
        (
            lambda u: organizations.add_college(u, actor=c.admin, name="Autres", weight="-1"),
            "weight.negative",
        ),
        (
            lambda u: organizations.add_member(
                u, actor=c.admin, name="X", role=Role.MEMBER, college="Nope", now=c.clock()
            ),
            "member.unknown_college",
        ),
        (
            lambda u: organizations.add_member(
                u,
                actor=c.admin,
                name="Bruno bis",
                role=Role.MEMBER,
                email="bruno@tiers-lieux.example",
                now=c.clock(),
            ),
            "member.duplicate",
        ),
        (
            lambda u: organizations.add_member(
                u, actor=c.admin, name="Y", role=Role.MEMBER, email="not-an-email", now=c.clock()
            ),
            "member.bad_email",
        ),
        (
            lambda u: organizations.add_member(
                u, actor=c.bruno, name="Z", role=Role.MEMBER, now=c.clock()
            ),
            "role.not_admin",
        ),
    ):
        with pytest.raises((InvalidInput, Conflict, Forbidden)) as err, c.uow() as u:
            call(u)
        assert err.value.code == code


def test_another_organization_is_not_found(
    uow: UnitOfWorkFactory, clock: FakeClock, community: Community
) -> None:
    other = make_community(uow, clock, slug="autre")
    with uow(readonly=True) as u:
        bruno_user = community.bruno.member.user_id or 0
        with pytest.raises(NotFound):
            acting(u, slug="autre", user_id=bruno_user)
        with pytest.raises(NotFound):
            acting(u, slug="nulle-part", user_id=bruno_user)
        assert (
            acting(u, slug="autre", user_id=other.bruno.member.user_id or 0).organization.slug
            == "autre"
        )


def test_slug_conflicts(community: Community) -> None:
    c = community
    with pytest.raises(Conflict) as err, c.uow() as u:
        organizations.create_organization(
            u,
            name="Tiers lieux",
            currency=currency_for("EUR"),
            legal_form=LegalForm.SCIC,
            founder_user_id=c.bruno.member.user_id or 0,
            founder_name="Bruno",
            now=c.clock(),
        )
    assert err.value.code == "organization.slug_taken"


def test_api_tokens_identify_one_member(community: Community) -> None:
    c = community
    with c.uow() as u:
        token = accounts.create_token(u, actor=c.chloe, label="script", now=c.clock())
    with c.uow(readonly=True) as u:
        actor = accounts.actor_for_token(u, token)
        assert actor.member.id == c.chloe.member.id
        with pytest.raises(Unauthenticated):
            accounts.actor_for_token(u, token + "x")


def test_public_page_switch(community: Community) -> None:
    from partage.services import public

    c = community
    with c.uow(readonly=True) as u, pytest.raises(NotFound):
        public.public_reader(u, "tiers-lieux")
    with c.uow() as u:
        organizations.set_public_page(u, actor=c.admin, public=True)
    with c.uow(readonly=True) as u:
        assert public.public_reader(u, "tiers-lieux").role is Role.OBSERVER
        assert [o.slug for o in public.public_organizations(u)] == ["tiers-lieux"]
