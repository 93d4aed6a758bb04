"""Cases: evidence."""
