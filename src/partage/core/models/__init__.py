"""Allocation models: every way a collective shares a budget, as pure exact functions.

Each model module exposes ``run(spec, params, *, path) -> ModelResult``; ``registry.MODELS``
maps the model names of a simulation spec to them.
"""
