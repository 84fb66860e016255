"""What each kind of rule does in one run (`base.RuleRun` → summary), one module per kind or family."""
