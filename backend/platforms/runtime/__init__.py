"""Acting as an account: the browser pool, sessions, identity, pacing, caps and verify-then-retry actions."""
