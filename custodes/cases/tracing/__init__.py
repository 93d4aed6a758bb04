"""Cases: tracing."""
