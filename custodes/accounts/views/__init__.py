"""Pages: signing in and out, your own account, account administration and API tokens."""
