"""The reporting domain: pure rules, no I/O."""
