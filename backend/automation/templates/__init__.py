"""Message templates and the ledger of who was messaged for what."""
