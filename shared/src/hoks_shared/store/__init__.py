"""Document store plumbing on PyMongo's async API (``AsyncMongoClient``).

Stays inside what FerretDB 1.24 supports (no transactions, change streams or ``$lookup``):
every atomic step is a single-document update.
"""
