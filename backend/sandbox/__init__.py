"""The sandbox marketplace: a small demo shop bundled with Sellpilot so browser automation runs end to end.

Run it with `sellpilot sandbox`; `create_sandbox_app` builds the Litestar app.
Its HTML (ids, classes, routes) is the contract the sandbox driver relies on.
"""
