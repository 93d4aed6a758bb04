"""Every write of the cases capability: atomic, audited, actor first, and a line on the case's timeline."""
