"""Cases: triage."""
