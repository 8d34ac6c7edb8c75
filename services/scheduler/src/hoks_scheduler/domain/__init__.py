"""The scheduler domain: pure rules, no I/O."""
