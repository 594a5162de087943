"""Writing small SourceCred ledgers for tests: one event per line, as SourceCred 0.11.2 does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GRAIN = 10**18  # attoGrain per grain


class LedgerWriter:
    """Events appended in order, with increasing ledger timestamps."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []
        self.stamp = 1_600_000_000_000

    def event(self, action: dict[str, Any]) -> LedgerWriter:
        self.stamp += 1000
        self.lines.append(
            {
                "action": action,
                "ledgerTimestamp": self.stamp,
                "uuid": f"u{len(self.lines)}",
                "version": "1",
            }
        )
        return self

    def identity(
        self, ident: str, name: str, subtype: str = "USER", *, active: bool = True
    ) -> LedgerWriter:
        address = f"N\u0000sourcecred\u0000core\u0000IDENTITY\u0000{ident}\u0000"
        self.event(
            {
                "type": "CREATE_IDENTITY",
                "identity": {
                    "address": address,
                    "aliases": [],
                    "id": ident,
                    "name": name,
                    "subtype": subtype,
                },
            }
        )
        if active:
            self.event({"type": "TOGGLE_ACTIVATION", "identityId": ident})
        return self

    def alias(self, ident: str, *parts: str) -> LedgerWriter:
        address = "N\u0000" + "".join(p + "\u0000" for p in parts)
        return self.event(
            {
                "type": "ADD_ALIAS",
                "identityId": ident,
                "alias": {"address": address, "description": "/".join(parts)},
            }
        )

    def distribute(
        self,
        dist_id: str,
        cred_ms: int,
        *allocations: tuple[str, int, dict[str, int]],
        **policy: Any,
    ) -> LedgerWriter:
        """``allocations``: (policy type, budget in attoGrain, {identity: attoGrain})."""
        return self.event(
            {
                "type": "DISTRIBUTE_GRAIN",
                "distribution": {
                    "id": dist_id,
                    "credTimestamp": cred_ms,
                    "allocations": [
                        {
                            "id": f"{dist_id}-a{i}",
                            "policy": {
                                "policyType": kind,
                                "budget": str(budget),
                                "numIntervalsLookback": 0,
                                **policy,
                            },
                            "receipts": [
                                {"id": who, "amount": str(amount)} for who, amount in paid.items()
                            ],
                        }
                        for i, (kind, budget, paid) in enumerate(allocations)
                    ],
                },
            }
        )

    def write(self, folder: Path) -> Path:
        """An instance folder with this ledger as data/ledger.json."""
        (folder / "data").mkdir(parents=True, exist_ok=True)
        ledger = folder / "data" / "ledger.json"
        ledger.write_text("".join(json.dumps(line) + "\n" for line in self.lines))
        return folder
