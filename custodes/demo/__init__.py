"""The fictional demo estate: ``custodes seed-demo`` builds it, ``custodes demo-accounts`` prints its sign-ins.

generator.py draws the estate from one seed (data in names.py); services.py saves it with one demo account per
role, atomically and audited; credentials.py derives the demo accounts' secrets from ./var/demo_secret so that
they can be printed later without ever being stored; selectors.py reads them back for the listing.
"""
