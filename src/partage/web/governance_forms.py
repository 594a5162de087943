"""The proposal form read into the action a decision will apply: which action was chosen,
and its fields as the service takes them (amounts in minor units, shares as fractions)."""

from __future__ import annotations

from decimal import Decimal

from starlette.datastructures import FormData

from partage.core.errors import InvalidInput
from partage.services.context import Actor
from partage.web import forms


def share(text: str, *, field: str) -> str | None:
    """A quorum typed as a percentage ("50", "50 %") as the share the service takes ("0.5")."""
    text = text.replace("%", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 100:
        raise InvalidInput(
            "proposal.bad_quorum", "the quorum is a percentage from 0 to 100", field=field
        )
    return str(Decimal(int(text)) / 100)


def proposal_action(form: FormData, actor: Actor) -> dict[str, object] | None:
    """The action chosen in the form, as the service reads it."""
    chosen = forms.text(form, "action").strip()
    if chosen == "":
        return None
    if chosen in ("public_on", "public_off"):
        return {"kind": "set_public_page", "public": chosen == "public_on"}
    if chosen == "fill_role":
        action: dict[str, object] = {
            "kind": "fill_role",
            "name": forms.text(form, "role_name").strip(),
            "holder_id": forms.required_id(forms.text(form, "role_holder"), field="role_holder"),
            "domain": forms.text(form, "role_domain").strip(),
        }
        days = forms.optional_id(forms.text(form, "role_term_days"), field="role_term_days")
        if days is not None:
            action["term_days"] = days
        return action
    if chosen == "open_round":
        return {
            "kind": "open_round",
            "name": forms.text(form, "round_name").strip(),
            "envelope": forms.amount(
                forms.text(form, "round_envelope"),
                actor.organization.currency,
                field="round_envelope",
            ),
            "window_hours": 24
            * forms.whole_number(
                forms.text(form, "round_window_days"),
                field="round_window_days",
                low=1,
                high=366,
                code="round.bad_window",
            ),
        }
    return _member_action(chosen, form) or _round_action(chosen, form, actor)


def _days(form: FormData, name: str) -> int:
    return forms.whole_number(
        forms.text(form, name), field=name, low=1, high=366, code="round.bad_window"
    )


def _round_action(chosen: str, form: FormData, actor: Actor) -> dict[str, object]:
    """An action on rounds or on the organization's settings, as the service reads it."""
    if chosen == "set_round_envelope":
        return {
            "kind": "set_round_envelope",
            "round_id": forms.required_id(forms.text(form, "change_round"), field="change_round"),
            "envelope": forms.amount(
                forms.text(form, "new_envelope"),
                actor.organization.currency,
                field="new_envelope",
            ),
        }
    if chosen == "set_round_window":
        return {
            "kind": "set_round_window",
            "round_id": forms.required_id(forms.text(form, "change_round"), field="change_round"),
            "window_hours": 24 * _days(form, "new_window_days"),
        }
    if chosen == "set_college_weights":
        weights = {
            key.removeprefix("weight_"): forms.text(form, key).replace("%", "").strip()
            for key in form
            if key.startswith("weight_")
        }
        return {"kind": "set_college_weights", "weights": weights}
    if chosen == "power_on":
        return {
            "kind": "set_contribution_power",
            "cap": forms.text(form, "power_cap").strip().replace(",", ".") or "2",
            "hours_per_step": forms.text(form, "power_step").strip().replace(",", ".") or "10",
        } | (
            {"distribution_id": int(by_payouts)}
            if (by_payouts := forms.text(form, "power_distribution")).isdigit()
            else {}
        )
    if chosen == "power_off":
        return {"kind": "set_contribution_power", "cap": "off"}
    if chosen == "set_commission_rate":
        rate: dict[str, object] = {
            "kind": "set_commission_rate",
            "status": forms.text(form, "commission_status").strip(),
            "rate": forms.text(form, "commission_rate").replace("%", "").strip(),
        }
        if forms.text(form, "commission_from").strip():
            rate["effective_from"] = forms.text(form, "commission_from").strip()
        return rate
    raise InvalidInput("action.unknown_kind", "choose an action from the list", field="action")


def _member_action(chosen: str, form: FormData) -> dict[str, object] | None:
    """An action on members and roles, as the service reads it; None for another kind."""
    if chosen == "admit_member":
        name = forms.text(form, "admit_name").strip()
        if not name:
            raise InvalidInput(
                "admit_name.required", "the name of the member to admit is required", "admit_name"
            )
        admitted: dict[str, object] = {"kind": "admit_member", "name": name}
        for key, name in (("email", "admit_email"), ("college", "admit_college")):
            if forms.text(form, name).strip():
                admitted[key] = forms.text(form, name).strip()
        return admitted
    if chosen == "remove_member":
        return {
            "kind": "remove_member",
            "member_id": forms.required_id(
                forms.text(form, "remove_member"), field="remove_member"
            ),
        }
    if chosen == "change_college":
        return {
            "kind": "change_college",
            "member_id": forms.required_id(forms.text(form, "move_member"), field="move_member"),
            "college": forms.text(form, "move_college").strip(),
        }
    if chosen == "end_role":
        return {
            "kind": "end_role",
            "role_id": forms.required_id(forms.text(form, "end_role"), field="end_role"),
        }
    return None
