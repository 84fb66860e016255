"""Automation rules: what a rule is (schemas), its schedule, the tick that claims due slots, and the runs."""
