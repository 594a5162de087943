"""The JSON API (OpenAPI at /api/docs): each route calls one service."""
