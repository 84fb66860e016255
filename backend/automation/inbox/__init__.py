"""The inbox: platform conversations read into Sellpilot, read and answered from the app."""
