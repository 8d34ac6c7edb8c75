"""Data minimisation: what may never appear in a domain event (names, hetu, free text, welfare)."""
