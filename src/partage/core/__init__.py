"""Pure domain of partage: money, allocation, ledger, rounds. No I/O, no clock."""
