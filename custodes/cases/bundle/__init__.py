"""Evidence bundles: a signed ZIP of a case's summary, its evidence files and an extract of the audit chain, for a
hearing or the police, that the recipient can check offline (docs/evidence-bundles.md).

- ``layout``: the names and shape of the bundle, shared by the writer and the checker.
- ``export``: the service that builds one (policy, disclosure log, audit). Needs Django.
- ``verify``: the checker. Standard library and ``cryptography`` only: no Django, no database, no network.

This package's ``__init__`` imports nothing, so ``verify`` can be used without configuring Django.
"""
