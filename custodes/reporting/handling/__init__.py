"""The signed-in side of reporting, under /reports/: the handlers' inbox and report pages, responding to reporters,
reporter liaison, the staff channel (file a report, see your own), reports recorded on someone's behalf, and the
taxonomy administration. Views are thin: they parse input, call one selector or service, and render."""
