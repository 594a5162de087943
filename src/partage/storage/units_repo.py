"""An organization's own units, what activities earn in them, and the operations on them.

Balances are not stored here: they are sums of the ledger's postings in the unit's currency.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from partage.core.units import EarningRule, EarnPer, Operation, OperationKind, Unit, UnitKind
from partage.storage import tables as t
from partage.storage.types import fits_bigint


def _unit(row: Row[tuple[object, ...]]) -> Unit:
    m = row._mapping
    return Unit(
        code=m["code"],
        name=m["name"],
        kind=UnitKind(m["kind"]),
        decimals=m["decimals"],
        negative_limit=m["negative_limit"],
        price=Decimal(m["price"]) if m["price"] is not None else None,
        purchase_account=m["purchase_account"],
    )


def _operation(row: Row[tuple[object, ...]]) -> Operation:
    m = row._mapping
    return Operation(
        id=m["id"],
        unit_code=m["unit_code"],
        kind=OperationKind(m["kind"]),
        member_id=m["member_id"],
        counterpart_id=m["counterpart_id"],
        quantity=m["quantity"],
        money_amount=m["money_amount"],
        money_currency=m["money_currency"],
        rate=m["rate"],
        contribution_id=m["contribution_id"],
        purpose=m["purpose"],
        entry_seq=m["entry_seq"],
        occurred_at=m["occurred_at"],
        recorded_by=m["recorded_by"],
        reverses=m["reverses"],
        reversed_by=m["reversed_by"],
    )


class UnitRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_organization(self, org_id: int) -> None:
        """Serialize balance checks with the ledger appends that follow them."""
        self.conn.execute(
            select(t.organizations.c.id).where(t.organizations.c.id == org_id).with_for_update()
        )

    # -- units ----------------------------------------------------------------------------
    def units(self, org_id: int) -> list[Unit]:
        rows = self.conn.execute(
            select(t.units).where(t.units.c.organization_id == org_id).order_by(t.units.c.code)
        )
        return [_unit(r) for r in rows]

    def unit(self, org_id: int, code: str) -> Unit | None:
        row = self.conn.execute(
            select(t.units).where(t.units.c.organization_id == org_id, t.units.c.code == code)
        ).first()
        return _unit(row) if row else None

    def save(self, org_id: int, unit: Unit, *, by: int, now: object) -> None:
        values = {
            "name": unit.name,
            "kind": unit.kind.value,
            "decimals": unit.decimals,
            "negative_limit": unit.negative_limit,
            "price": str(unit.price) if unit.price is not None else None,
            "purchase_account": unit.purchase_account,
            "updated_at": now,
            "updated_by": by,
        }
        if self.unit(org_id, unit.code) is None:
            self.conn.execute(
                insert(t.units).values(
                    organization_id=org_id, code=unit.code, created_at=now, **values
                )
            )
        else:
            self.conn.execute(
                update(t.units)
                .where(t.units.c.organization_id == org_id, t.units.c.code == unit.code)
                .values(**values)
            )

    # -- earning rules --------------------------------------------------------------------
    def earning_rules(self, org_id: int, code: str | None = None) -> list[EarningRule]:
        r = t.unit_earning_rules.c
        query = select(t.unit_earning_rules).where(r.organization_id == org_id)
        if code is not None:
            query = query.where(r.unit_code == code)
        rows = self.conn.execute(query.order_by(r.unit_code, r.activity))
        return [
            EarningRule(
                unit_code=m["unit_code"],
                activity=m["activity"],
                per=EarnPer(m["per"]),
                amount=m["amount"],
            )
            for m in (row._mapping for row in rows)
        ]

    def set_rule(self, org_id: int, rule: EarningRule) -> None:
        self.remove_rule(org_id, rule.unit_code, rule.activity)
        self.conn.execute(
            insert(t.unit_earning_rules).values(
                organization_id=org_id,
                unit_code=rule.unit_code,
                activity=rule.activity,
                per=rule.per.value,
                amount=rule.amount,
            )
        )

    def remove_rule(self, org_id: int, code: str, activity: str) -> bool:
        r = t.unit_earning_rules.c
        done = self.conn.execute(
            delete(t.unit_earning_rules).where(
                r.organization_id == org_id, r.unit_code == code, r.activity == activity
            )
        )
        return bool(done.rowcount)

    # -- operations -----------------------------------------------------------------------
    def next_operation_id(self, org_id: int) -> int:
        # The organization's lock first, always: every writer of units then takes the same
        # locks in the same order (organization, then this counter), so that a payment, an
        # earning and a reversal racing each other wait instead of deadlocking.
        self.lock_organization(org_id)
        row = self.conn.execute(
            update(t.counters)
            .where(t.counters.c.organization_id == org_id, t.counters.c.kind == "unit_operation")
            .values(value=t.counters.c.value + 1)
            .returning(t.counters.c.value)
        ).one()
        return int(row[0])

    def add_operation(self, org_id: int, op: Operation) -> None:
        self.conn.execute(
            insert(t.unit_operations).values(
                organization_id=org_id,
                id=op.id,
                unit_code=op.unit_code,
                kind=op.kind.value,
                member_id=op.member_id,
                counterpart_id=op.counterpart_id,
                quantity=op.quantity,
                money_amount=op.money_amount,
                money_currency=op.money_currency,
                rate=op.rate,
                contribution_id=op.contribution_id,
                purpose=op.purpose,
                entry_seq=op.entry_seq,
                occurred_at=op.occurred_at,
                recorded_by=op.recorded_by,
                reverses=op.reverses,
                reversed_by=op.reversed_by,
            )
        )

    def operation(self, org_id: int, operation_id: int) -> Operation | None:
        if not fits_bigint(operation_id):
            return None
        o = t.unit_operations.c
        row = self.conn.execute(
            select(t.unit_operations).where(o.organization_id == org_id, o.id == operation_id)
        ).first()
        return _operation(row) if row else None

    def mark_reversed(self, org_id: int, operation_id: int, *, by: int) -> bool:
        """Name the reversal of an operation; False when it already has one."""
        o = t.unit_operations.c
        done = self.conn.execute(
            update(t.unit_operations)
            .where(o.organization_id == org_id, o.id == operation_id, o.reversed_by.is_(None))
            .values(reversed_by=by)
        )
        return bool(done.rowcount)

    def operations(
        self,
        org_id: int,
        *,
        code: str | None = None,
        member_id: int | None = None,
        limit: int = 200,
    ) -> list[Operation]:
        """The latest operations first, of one unit and/or one member (either side)."""
        o = t.unit_operations.c
        query = select(t.unit_operations).where(o.organization_id == org_id)
        if code is not None:
            query = query.where(o.unit_code == code)
        if member_id is not None:
            if not fits_bigint(member_id):
                return []
            query = query.where((o.member_id == member_id) | (o.counterpart_id == member_id))
        rows = self.conn.execute(query.order_by(o.id.desc()).limit(limit))
        return [_operation(r) for r in rows]

    def earning_of(self, org_id: int, contribution_id: int, code: str) -> Operation | None:
        """The earning of a contribution in a unit that stands: a reversed one does not."""
        o = t.unit_operations.c
        row = self.conn.execute(
            select(t.unit_operations).where(
                o.organization_id == org_id,
                o.contribution_id == contribution_id,
                o.unit_code == code,
                o.reversed_by.is_(None),
            )
        ).first()
        return _operation(row) if row else None

    def count_operations(self, org_id: int) -> int:
        o = t.unit_operations.c
        found = self.conn.execute(
            select(func.count()).select_from(t.unit_operations).where(o.organization_id == org_id)
        ).scalar_one()
        return int(found)

    # -- balances, from the ledger ----------------------------------------------------------
    def debit_sums(self, org_id: int, code: str) -> dict[str, int]:
        """Debit sum per account of every posting in the unit's currency."""
        p = t.ledger_postings.c
        rows = self.conn.execute(
            select(p.account, func.sum(p.amount))
            .where(p.organization_id == org_id, p.currency == code)
            .group_by(p.account)
        )
        return {r[0]: int(r[1]) for r in rows}

    def debit_sum(self, org_id: int, code: str, account: str) -> int:
        p = t.ledger_postings.c
        found = self.conn.execute(
            select(func.coalesce(func.sum(p.amount), 0)).where(
                p.organization_id == org_id, p.currency == code, p.account == account
            )
        ).scalar_one()
        return int(found)
