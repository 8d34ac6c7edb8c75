"""Shared library of the HOKS follow-up platform: event contracts, topic registry and plumbing.

Not to be confused with ``../shared`` beside the repository (reference material).
"""
