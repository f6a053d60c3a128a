"""Loaded by every Python subprocess a test starts (tests/conftest.py puts this folder on PYTHONPATH)."""

import os

if os.environ.get("PAYBANDS_NETGUARD_LOG"):
    import netguard

    netguard.install()
