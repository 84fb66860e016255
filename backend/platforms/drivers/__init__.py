"""Drivers: one per platform, all on the protocol in `base.py`."""
