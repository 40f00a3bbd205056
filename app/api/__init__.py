"""JSON API v1 (described by app/api/openapi.py, served at /api/v1/docs): bearer tokens, JSON errors, cursor lists.

The blueprint and the modules that add routes to it: blueprint.py."""
