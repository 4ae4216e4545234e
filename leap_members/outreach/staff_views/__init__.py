"""Staff pages of outreach; every view is guarded by staff_required."""
from . import mailings, segments, suppressions, tag_selection, tags, topics, welcome  # noqa: F401
