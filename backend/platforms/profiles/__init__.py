"""Browser profiles (what an account's browser looks like) and their templates."""
