"""Contribution-graph scoring: CredRank, as SourceCred computes it, on sparse matrices."""
