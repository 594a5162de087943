"""Split rules typed in a structured form: rows of boxes read into the rule document.

A treasurer sets the split rules on the web page through a table of commissions (one row
per status) and a table of shares (one row per split), instead of writing JSON. This module
turns those rows into the very document the JSON/YAML path takes, and back. It guarantees:

* it never judges the rules: :func:`partage.core.splits.rules.parse_rules`, through
  ``transactions.set_rules``, is the single judge, so both paths refuse the same documents;
  the only refusals made here are those the document itself cannot express — a commission
  row without its status, and the same status on two rows (a mapping would silently keep
  one of them);
* a row whose text boxes are all empty is ignored (the selects alone do not make a row),
  so spare rows cost nothing and a row is removed by emptying it;
* decimals go through as the text typed, never as a float: "12,5" and "12.5" are both
  accepted, as the core reads a decimal comma for rates, shares and amounts alike, and the
  stored version is written back with a point;
* statuses and destination names are lower-cased and trimmed, as the core spells them;
* an error the core raises about a document field (``commissions.producer.rate``,
  ``splits[2].percent``, ``rest_to``) is pointed at the input holding it, so the page can
  mark that box and show the message above its table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from partage.core.errors import DomainError, InvalidInput
from partage.web.i18n import N_

SPARE_ROWS = 3
FIXED_DESTINATIONS = ("operations", "reserve", "commons")
KEYED_DESTINATIONS = ("project", "pool", "member", "party")
DESTINATIONS = FIXED_DESTINATIONS + KEYED_DESTINATIONS
BASES = ("commission", "amount")
COMMISSION_COLUMNS = ("rate", "fixed", "floor", "cap")
# Only to point a refused status at its row: the core's own rule for a name decides.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_INPUT = re.compile(r"^([cs])-(\d{1,3})-([a-z]+)$")
_SPLIT_FIELD = re.compile(r"^splits\[(\d+)\](?:\.(\w+))?$")


@dataclass(frozen=True, slots=True)
class CommissionRow:
    """One status and its commission, as typed: ``c-<index>-<column>`` inputs."""

    index: int
    status: str = ""
    rate: str = ""
    fixed: str = ""
    floor: str = ""
    cap: str = ""

    @property
    def empty(self) -> bool:
        return not any(
            v.strip() for v in (self.status, self.rate, self.fixed, self.floor, self.cap)
        )

    def input(self, column: str) -> str:
        return f"c-{self.index}-{column}"


@dataclass(frozen=True, slots=True)
class SplitRow:
    """One share, as typed: ``s-<index>-<column>`` inputs; ``key`` names a project, a pool,
    a member's number or a party's role when the destination ``to`` needs one."""

    index: int
    of: str = "commission"
    to: str = "reserve"
    key: str = ""
    percent: str = ""
    label: str = ""

    @property
    def empty(self) -> bool:
        return not any(v.strip() for v in (self.key, self.percent, self.label))

    @property
    def keyed(self) -> bool:
        return self.to in KEYED_DESTINATIONS

    def input(self, column: str) -> str:
        return f"s-{self.index}-{column}"


def _destination(kind: str, key: str) -> str:
    kind, key = kind.strip().lower(), key.strip().lower()
    return f"{kind}:{key}" if kind in KEYED_DESTINATIONS else kind


def _split_destination(text: str) -> tuple[str, str]:
    kind, _sep, key = text.partition(":")
    return kind, key


@dataclass(frozen=True, slots=True)
class RulesForm:
    """The rows of the form, empty ones included, in the order shown."""

    commissions: tuple[CommissionRow, ...]
    splits: tuple[SplitRow, ...]
    rest_to: str = "operations"
    rest_key: str = ""

    def with_spare(self, count: int = SPARE_ROWS) -> RulesForm:
        """The same rows and ``count`` empty ones after each table, to add a status or share."""
        c_next = max((r.index for r in self.commissions), default=-1) + 1
        s_next = max((r.index for r in self.splits), default=-1) + 1
        return replace(
            self,
            commissions=self.commissions + tuple(CommissionRow(c_next + n) for n in range(count)),
            splits=self.splits + tuple(SplitRow(s_next + n) for n in range(count)),
        )

    @property
    def filled_splits(self) -> tuple[SplitRow, ...]:
        """The split rows that make the document's ``splits``, in the same order."""
        return tuple(row for row in self.splits if not row.empty)

    def document(self) -> dict[str, Any]:
        """The rule document these rows say, as a user would write it in JSON."""
        commissions: dict[str, dict[str, str]] = {}
        for row in self.commissions:
            if row.empty:
                continue
            status = row.status.strip().lower()
            if not status:
                raise InvalidInput(
                    "rules.bad_status",
                    "a commission row names the status it applies to",
                    field=row.input("status"),
                )
            if status in commissions:
                raise InvalidInput(
                    "rules.duplicate_status",
                    f"status '{status}' is given on two rows: one row per status",
                    field=row.input("status"),
                    params={"status": status},
                )
            typed = {c: getattr(row, c).strip() for c in COMMISSION_COLUMNS}
            commissions[status] = {c: text for c, text in typed.items() if text}
        splits: list[dict[str, str]] = []
        for line in self.filled_splits:
            split = {"of": line.of.strip(), "to": _destination(line.to, line.key)}
            if line.percent.strip():
                split["percent"] = line.percent.strip()
            if line.label.strip():
                split["label"] = line.label.strip()
            splits.append(split)
        return {
            "commissions": commissions,
            "splits": splits,
            "rest_to": _destination(self.rest_to, self.rest_key),
        }

    def input_for(self, field: str | None) -> str | None:
        """The input that holds document field ``field`` (or the table it concerns)."""
        if field is None or _INPUT.match(field) or field in ("rest_to", "rest_key"):
            if field == "rest_to" and self.rest_to in KEYED_DESTINATIONS:
                return "rest_key"
            return field
        if field == "commissions":
            rows = [r for r in self.commissions if not r.empty]
            bad = [r for r in rows if not _NAME.match(r.status.strip().lower())]
            return (bad or rows or [CommissionRow(0)])[0].input("status")
        if field.startswith("commissions."):
            status, _sep, column = field.removeprefix("commissions.").partition(".")
            for row in self.commissions:
                if not row.empty and row.status.strip().lower() == status:
                    return row.input(column if column in COMMISSION_COLUMNS else "status")
            return "commissions"
        found = _SPLIT_FIELD.match(field)
        if found:
            filled = self.filled_splits
            position, column = int(found.group(1)), found.group(2) or "label"
            if position >= len(filled):
                return "splits"
            line = filled[position]
            if column == "to":
                return line.input("key" if line.keyed else "to")
            return line.input(column if column in ("of", "percent") else "label")
        return field

    def pointed(self, error: DomainError) -> DomainError:
        """``error`` with its field renamed to the input that holds it.

        A sum over 100 % names no row: it is pointed at the shares of the base that went
        over (``splits.commission`` or ``splits.amount``), whose percentages the page marks.
        """
        field = (
            f"splits.{self._base_over_100()}"
            if error.code == "rules.over_100"
            else self.input_for(error.field)
        )
        if field == error.field:
            return error
        moved = type(error)(error.code, error.message, field, params=error.params)
        return moved

    def _base_over_100(self) -> str:
        # Only called once the core accepted every percentage: the text reads as a decimal.
        try:
            total = sum(
                (
                    Decimal(r.percent.strip().replace(",", "."))
                    for r in self.filled_splits
                    if r.of.strip() == "commission"
                ),
                Decimal(0),
            )
        except InvalidOperation:
            return "commission"
        return "commission" if total > 100 else "amount"


def from_document(doc: Mapping[str, Any]) -> RulesForm:
    """The rows of a stored (or example) rule document, to pre-fill the form."""
    commissions = tuple(
        CommissionRow(i, status, *(str(spec.get(c, "")) for c in COMMISSION_COLUMNS))
        for i, (status, spec) in enumerate(dict(doc.get("commissions") or {}).items())
    )
    splits = []
    for i, split in enumerate(doc.get("splits") or []):
        kind, key = _split_destination(str(split.get("to", "")))
        splits.append(
            SplitRow(
                i,
                of=str(split.get("of", "commission")),
                to=kind,
                key=key,
                percent=str(split.get("percent", "")),
                label=str(split.get("label", "")),
            )
        )
    rest_kind, rest_key = _split_destination(str(doc.get("rest_to", "operations")))
    return RulesForm(commissions, tuple(splits), rest_kind, rest_key)


def from_form(form: Mapping[str, Any]) -> RulesForm:
    """The rows of a posted form (``c-<i>-<column>``, ``s-<i>-<column>``, ``rest_to``,
    ``rest_key``), empty ones included so that a refused form shows again as typed."""
    cells: dict[tuple[str, int], dict[str, str]] = {}
    for name, value in form.items():
        found = _INPUT.match(name)
        if found and isinstance(value, str):
            section, index, column = found.group(1), int(found.group(2)), found.group(3)
            cells.setdefault((section, index), {})[column] = value
    commissions, splits = [], []
    for (section, index), typed in sorted(cells.items()):
        if section == "c":
            commissions.append(
                CommissionRow(index, **{k: v for k, v in typed.items() if k in _C_FIELDS})
            )
        else:
            # The selects are spelled as the core spells them, so a refused form re-selects.
            chosen = {k: typed[k].strip().lower() for k in ("of", "to") if k in typed}
            fields = {k: v for k, v in typed.items() if k in _S_FIELDS} | chosen
            splits.append(SplitRow(index, **fields))

    def text(name: str, default: str = "") -> str:
        value = form.get(name)
        return value if isinstance(value, str) else default

    return RulesForm(
        tuple(commissions),
        tuple(splits),
        text("rest_to", "operations").strip().lower(),
        text("rest_key"),
    )


_C_FIELDS = frozenset({"status", *COMMISSION_COLUMNS})
_S_FIELDS = frozenset({"of", "to", "key", "percent", "label"})


# -- the refusals in the reader's words ---------------------------------------------------

MESSAGES: dict[str, str] = {
    "rules.bad_percent": N_(
        "A percentage is a number from 0 to 100 with at most 6 decimals, such as 12.5 or 12,5."
    ),
    "rules.cap_below_floor": N_("The cap is below the floor."),
    "rules.bad_status": N_(
        "Name the status in lowercase letters without accents, digits, '-' or '_', "
        "such as producer."
    ),
    "rules.duplicate_status": N_("This status is on two rows: keep one row per status."),
    "rules.no_status": N_("Give at least one status its commission, such as producer."),
    "rules.retroactive": N_(
        "A new version starts on or after the first day of the latest one, and after the "
        "last transaction recorded: rules never change what was posted."
    ),
}
DESTINATION_MESSAGES: dict[str, str] = {
    "project": N_("Name the project in lowercase letters without accents, digits, '-' or '_'."),
    "pool": N_("Name the pool in lowercase letters without accents, digits, '-' or '_'."),
    "party": N_("Name the party's role in the transaction, such as referrer."),
    "member": N_("Give the member's number."),
    "": N_("Choose a destination from the list."),
}
OVER_100: dict[str, str] = {
    "splits.commission": N_("The shares of the commission add up to more than 100 %."),
    "splits.amount": N_(
        "For a status, its commission rate and the shares of the amount add up to more than "
        "100 %: the party paid would be left less than nothing."
    ),
}
BAD_BASE = N_("Choose whether the share is of the commission or of the whole amount.")
LONG_LABEL = N_("A label has at most 100 characters.")


def in_words(
    error: DomainError, gettext: Callable[[str], str], rows: RulesForm | None = None
) -> DomainError:
    """``error`` with the message of a split-rules refusal said in the reader's language.

    ``rows`` is the structured form the error was pointed into; without it (the JSON path)
    the message keeps the document field it names in front, the only way to find the spot.
    """
    message = _words_for(error, rows)
    if message is None:
        return error
    said = gettext(message)
    if rows is None and error.field and error.field not in ("effective_from", "document"):
        said = f"{error.field}: {said}"
    return type(error)(error.code, said, error.field, params=error.params)


def _words_for(error: DomainError, rows: RulesForm | None) -> str | None:
    field = error.field or ""
    if error.code in MESSAGES or rows is None:
        # The JSON path keeps the core's detail (a sum, the text refused) where the rule
        # is about the document's structure rather than one box.
        return MESSAGES.get(error.code)
    if error.code == "rules.over_100":
        return OVER_100.get(field, OVER_100["splits.commission"])
    if error.code == "rules.bad_split":
        return BAD_BASE if field.endswith("-of") or field.endswith(".of") else LONG_LABEL
    if error.code == "rules.bad_destination":
        found = _INPUT.match(field)
        row = next((r for r in rows.splits if found and r.index == int(found.group(2))), None)
        kind = row.to if row else rows.rest_to if field.startswith("rest") else ""
        return DESTINATION_MESSAGES.get(kind, DESTINATION_MESSAGES[""])
    return None
