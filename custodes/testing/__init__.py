"""Test support shared by every app's tests: factories and personas (one signed-in account per role)."""
