"""The case pages: the list, the case page, and the pages for directing and working a case."""
