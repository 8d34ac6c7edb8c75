"""Limits of the document store that shape how the code writes."""

#: Statements per write command. FerretDB 1.24 holds a pooled SQLite connection per statement of
#: a write command until the command ends; past ~100 statements the pool (100) is exhausted and
#: the command deadlocks. MongoDB has no such limit; 50 costs it nothing.
WRITE_CHUNK = 50
