"""Helpers shared by the test suites: database set-up, SMTP sink, factories."""
