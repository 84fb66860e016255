"""Platform accounts: CRUD, bulk import, cookies, plan limits, and the test-login and resume jobs."""
