"""Placeholder: filled in by the speakers bureau work."""
