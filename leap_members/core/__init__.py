"""Cross-feature plumbing: database set-up, headers, errors, sessions, helpers."""
