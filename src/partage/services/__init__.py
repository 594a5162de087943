"""Use cases: each loads through repositories, calls the core, and persists in one unit of work."""
