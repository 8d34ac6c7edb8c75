"""The referrals domain: pure rules, no I/O."""
