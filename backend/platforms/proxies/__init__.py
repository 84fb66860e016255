"""Proxies: CRUD, bulk import, proxy URLs and credentials, health checks."""
