"""Platform accounts, proxies, browser profiles, the credential vault, the browser pool and drivers."""
