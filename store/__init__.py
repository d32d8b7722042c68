"""Persistence: the document store (system of record), the archive of originals, the search indexes."""
