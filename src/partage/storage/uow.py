"""The unit of work: one connection, one transaction, the only place that commits.

``with uow:`` opens a transaction; leaving the block without ``uow.commit()`` rolls it back,
so a use case that raises half-way writes nothing.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from partage.storage.aliases_repo import AliasRepository
from partage.storage.community_repo import CommunityRepository
from partage.storage.contributions_repo import ContributionRepository
from partage.storage.cred_repo import CredRepository
from partage.storage.distributions_repo import DistributionRepository
from partage.storage.flows_repo import EpochRepository, FundingCallRepository
from partage.storage.governance_repo import GovernanceRepository
from partage.storage.ledger_repo import LedgerRepository
from partage.storage.rounds_repo import RoundRepository
from partage.storage.sourcecred_repo import SourceCredImportRepository
from partage.storage.subscriptions_repo import SubscriptionRepository
from partage.storage.transactions_bulk import TransactionImportRepository
from partage.storage.transactions_repo import TransactionRepository
from partage.storage.units_repo import UnitRepository
from partage.storage.value_flows_repo import ValueFlowsRepository


class UnitOfWork:
    community: CommunityRepository
    aliases: AliasRepository
    contributions: ContributionRepository
    rounds: RoundRepository
    ledger: LedgerRepository
    distributions: DistributionRepository
    epochs: EpochRepository
    funding_calls: FundingCallRepository
    sourcecred: SourceCredImportRepository
    governance: GovernanceRepository
    transactions: TransactionRepository
    transaction_imports: TransactionImportRepository
    value_flows: ValueFlowsRepository
    units: UnitRepository
    subscriptions: SubscriptionRepository

    def __init__(self, engine: Engine, *, readonly: bool = False) -> None:
        self.engine = engine
        self.readonly = readonly
        self._conn: Connection | None = None

    def __enter__(self) -> Self:
        conn = self.engine.connect()
        if self.readonly:
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        conn.begin()
        self._conn = conn
        self.community = CommunityRepository(conn)
        self.aliases = AliasRepository(conn)
        self.contributions = ContributionRepository(conn)
        self.rounds = RoundRepository(conn, self.community)
        self.ledger = LedgerRepository(conn)
        self.distributions = DistributionRepository(conn, self.community)
        self.epochs = EpochRepository(conn, self.community)
        self.funding_calls = FundingCallRepository(conn, self.community)
        self.sourcecred = SourceCredImportRepository(conn)
        self.cred = CredRepository(conn)
        self.governance = GovernanceRepository(conn, self.community)
        self.transactions = TransactionRepository(conn)
        self.transaction_imports = TransactionImportRepository(conn)
        self.value_flows = ValueFlowsRepository(conn)
        self.units = UnitRepository(conn)
        self.subscriptions = SubscriptionRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()


class UnitOfWorkFactory:
    """Makes units of work on one engine; the entry points hold one of these."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, readonly=readonly)
