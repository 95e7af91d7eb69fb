"""Exports, one writer per format: the bytes of a file, built in memory from rows the
services read; writing a file is the caller's business (``atomic.write_atomic`` writes
one so that a failure never leaves half of it behind).

``table``         columns, sheets and how a cell is written (text never a formula)
``rows``          the projects, ledger and balances tables: their rows and columns
``csv``           CSV text (UTF-8, no byte-order mark, a header row)
``xlsx``          XLSX workbooks (exact Decimal money with a currency format, date cells)
``ical``          funding deadlines as an iCalendar feed
``oc4ids``        a project as an OC4IDS project document (``oc4ids_codes``: the codelists)
``atomic``        a file written whole or not at all, the umask left alone

It may import the standard library, ``pledge.domain``, openpyxl and icalendar
(``tests/test_import_graph.py`` checks this); the services read the database.
"""
