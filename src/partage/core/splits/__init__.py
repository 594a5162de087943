"""Commissions and splits on the transactions a platform carries (rules, engine, refunds)."""
