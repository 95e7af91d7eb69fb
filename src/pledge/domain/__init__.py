"""The pure core of pledge: money, calendars, frameworks, the lifecycle and the ledger.

Nothing here performs I/O or imports anything outside the standard library and
this package (enforced by ``tests/test_import_graph.py``).
"""
