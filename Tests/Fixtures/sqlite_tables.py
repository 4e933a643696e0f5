"""Prints a JSON summary of an SQLite database: its integrity check and, for every table, the
number of rows and a SHA-256 of its rows in a stable order, so two databases can be compared
table by table (virtual tables through their shadow tables).  Usage: /usr/bin/python3 sqlite_tables.py DATABASE
"""

import hashlib
import json
import sqlite3
import sys

connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
tables = [row[0] for row in connection.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    # A virtual table's rows live in its shadow tables, compared like any other; reading the
    # virtual table itself needs its module, which an older sqlite3 may not know (FTS5's
    # contentless_delete, SQLite 3.43).
    "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
summary = {"integrity": connection.execute("PRAGMA integrity_check").fetchone()[0], "tables": {}}
for table in tables:
    rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    summary["tables"][table] = {"rows": len(rows), "sha256": digest}
print(json.dumps(summary))
