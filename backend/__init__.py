"""Sellpilot backend."""

import os

# Piccolo looks up its engine and apps through this module wherever tables are used.
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
