"""Platforms: accounts, proxies and browser profiles, the browser runtime that acts as an account, the drivers.

Other domains use `backend.platforms.service` (the facade) and `backend.platforms.schemas` only.
"""
