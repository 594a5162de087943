"""partage: share power and value with the people who create it."""

__version__ = "0.1.0"
