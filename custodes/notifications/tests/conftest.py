"""The scene (a prison, a case about an officer, a restricted case, and a persona for every role and relationship)
is shared with the cases tests of external investigations and leak tracing."""

from custodes.cases.tests.tracing_support import scene  # noqa: F401
