"""Cases: pages."""
