"""Notifications: in-app, and by email with no case content (DESIGN.md §3: notifications obey the policy)."""
