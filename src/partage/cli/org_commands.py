"""Organizations, members, colleges, users and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.community import parse_legal_form, parse_member_kind
from partage.core.currency import currency_for
from partage.core.errors import InvalidInput, NotFound
from partage.core.roles import parse_role
from partage.services import accounts, organizations

org = typer.Typer(help="Create and configure organizations.", no_args_is_help=True)
member = typer.Typer(help="Members of an organization.", no_args_is_help=True)
college = typer.Typer(
    help="Colleges (stakeholder groups) and their vote weights.", no_args_is_help=True
)
user = typer.Typer(help="People who sign in.", no_args_is_help=True)
token = typer.Typer(help="API tokens.", no_args_is_help=True)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


@org.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    currency: Annotated[
        str, typer.Option(help="ISO 4217 code, or an own unit with --decimals.")
    ] = "EUR",
    decimals: Annotated[
        int | None, typer.Option(help="Decimals of an own unit (HOUR, CREDIT…).")
    ] = None,
    legal_form: Annotated[
        str, typer.Option(help="informal, association, scic, scop or company.")
    ] = "informal",
    slug: Annotated[str | None, typer.Option(help="Short name used in addresses.")] = None,
    founder_name: Annotated[str | None, typer.Option(help="Your name as a member.")] = None,
    as_json: Json = False,
) -> None:
    """Create an organization; the person given with --as becomes its first admin."""
    c = cli_context(ctx)
    with reporting(as_json):
        if not c.acting_as:
            c.actor("")  # raises the clear "say who acts" error
        with c.uow() as u:
            row = accounts.user_by_email(u, c.acting_as or "")
        if row is None:
            raise NotFound(
                "user.not_found",
                f"no user {c.acting_as}: create it with 'partage user create'",
                "as",
            )
        with c.uow() as u:
            actor = organizations.create_organization(
                u,
                name=name,
                slug=slug,
                currency=currency_for(currency, decimals),
                legal_form=parse_legal_form(legal_form),
                founder_user_id=row.id,
                founder_name=founder_name or row.display_name,
                now=c.clock(),
            )
        emit(
            as_json,
            actor.organization,
            f"created {actor.organization.name} ({actor.organization.slug})",
        )


@org.command("public")
def public(
    ctx: typer.Context,
    slug: Slug,
    state: Annotated[str, typer.Argument(help="on or off")],
    as_json: Json = False,
) -> None:
    """Turn the organization's public page on or off."""
    c = cli_context(ctx)
    with reporting(as_json):
        if state not in ("on", "off"):
            raise InvalidInput("org.public_state", "say 'on' or 'off'", "state")
        with c.uow() as u:
            found = organizations.set_public_page(u, actor=c.actor(slug), public=state == "on")
        emit(as_json, found, f"public page {state}")


@user.command("create")
def user_create(
    ctx: typer.Context,
    email: Annotated[str, typer.Option(help="Email used to sign in.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="PARTAGE_PASSWORD", help="Password.")
    ],
    as_json: Json = False,
) -> None:
    """Create a person who can sign in (then create or join organizations)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            user_id = accounts.find_or_create_user(
                u, email=email, display_name=name, password=password, now=c.clock()
            )
            u.commit()
        emit(as_json, {"id": user_id, "email": email.strip().lower()}, f"user #{user_id} {email}")


@user.command("password")
def user_password(
    ctx: typer.Context,
    current: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, envvar="PARTAGE_PASSWORD", help="Current password."
        ),
    ],
    new: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PARTAGE_NEW_PASSWORD",
            help="New password.",
        ),
    ],
    as_json: Json = False,
) -> None:
    """Change the password of the person given with --as."""
    c = cli_context(ctx)
    with reporting(as_json):
        if not c.acting_as:
            raise InvalidInput("cli.no_actor", "say who you are: partage --as EMAIL …", "as")
        with c.uow() as u:
            row = accounts.user_by_email(u, c.acting_as)
            if row is None:
                raise NotFound("user.not_found", f"no user {c.acting_as}", "as")
            accounts.change_password(u, user_id=row.id, current=current, new=new)
        emit(as_json, {"changed": True}, "password changed")


@member.command("add")
def member_add(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Argument(help="Name of the person or organisation.")],
    role: Annotated[str, typer.Option(help="admin, member or observer.")] = "member",
    email: Annotated[str | None, typer.Option(help="Email, so that they can sign in.")] = None,
    password: Annotated[
        str | None, typer.Option(envvar="PARTAGE_MEMBER_PASSWORD", help="Initial password.")
    ] = None,
    college_name: Annotated[str | None, typer.Option("--college", help="College name.")] = None,
    kind: Annotated[str, typer.Option(help="person or organisation.")] = "person",
    as_json: Json = False,
) -> None:
    """Add a member (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            added = organizations.add_member(
                u,
                actor=c.actor(slug),
                name=name,
                role=parse_role(role),
                kind=parse_member_kind(kind),
                email=email,
                password=password,
                college=college_name,
                now=c.clock(),
            )
        emit(as_json, added, f"member #{added.id} {added.name} ({added.role.value})")


@member.command("list")
def member_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """List the members with their role and college."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = organizations.members(u, actor=c.actor(slug))

        def show() -> None:
            for view in found:
                m = view.member
                typer.echo(f"#{m.id:<4} {m.name:<32} {m.role.value:<9} {view.college or '-'}")

        emit(as_json, found, show)


@college.command("add")
def college_add(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Argument(help="College name.")],
    weight: Annotated[str, typer.Option(help="Vote weight, e.g. 40.")],
    as_json: Json = False,
) -> None:
    """Add a college with its vote weight (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            added = organizations.add_college(u, actor=c.actor(slug), name=name, weight=weight)
        emit(as_json, added, f"college #{added.id} {added.name} (weight {added.weight})")


@college.command("list")
def college_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """List the colleges and their weights."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = organizations.colleges(u, actor=c.actor(slug))
        emit(as_json, found, "\n".join(f"#{x.id} {x.name}: {x.weight}" for x in found))


@token.command("create")
def token_create(
    ctx: typer.Context,
    slug: Slug,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    as_json: Json = False,
) -> None:
    """Create an API token for the acting member; it is shown once."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            secret = accounts.create_token(u, actor=c.actor(slug), label=label, now=c.clock())
        emit(as_json, {"token": secret}, secret)
