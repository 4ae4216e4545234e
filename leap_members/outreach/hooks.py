"""What tags add to the member record: a panel to tag the member, the timeline, and merges."""
from sqlalchemy import delete, exists, update
from sqlalchemy.orm import aliased

from ..core.database import rows_changed
from ..core.registry import TimelineEvent, member_panel, merge_step, timeline_source
from ..extensions import db
from .audience import email_status
from .bounces import active_suppression
from .models import MemberTag, SuppressionReason, TagChange
from .tag_forms import MemberTagForm, tag_choices
from .tags import changes_of, tags_of


@timeline_source
def tag_timeline(member):
    """Each tag put on or taken off, under the name it had then."""
    for change in changes_of(member):
        text = f"Tagged “{change.tag_name}”" if change.added else f"Tag “{change.tag_name}” removed"
        yield TimelineEvent(when=change.at, kind="tag", text=f"{text} ({change.source})")


@member_panel
def email_panel(member) -> tuple[str, dict]:
    return "outreach/_member_email.html", {"email_status": email_status(member),
                                           "suppression": active_suppression(member.email),
                                           "suppression_reasons": SuppressionReason.LABELS}


@member_panel
def tags_panel(member) -> tuple[str, dict]:
    tags = tags_of(member)
    form = MemberTagForm()
    having = {tag.id for tag in tags}
    form.tag_id.choices = {tag_id: name for tag_id, name in tag_choices().items() if tag_id not in having}
    return "outreach/_member_tags.html", {"member": member, "tags": tags, "form": form}


@merge_step
def move_tags(source_id: int, target_id: int) -> dict[str, int]:
    """Tags and their history follow the merged member; a tag both records have is kept once."""
    kept = aliased(MemberTag)
    moved = rows_changed(
        update(MemberTag).where(MemberTag.member_id == source_id,
                                ~exists().where(kept.member_id == target_id, kept.tag_id == MemberTag.tag_id))
        .values(member_id=target_id).execution_options(synchronize_session=False))
    db.session.execute(delete(MemberTag).where(MemberTag.member_id == source_id)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(TagChange).where(TagChange.member_id == source_id).values(member_id=target_id)
                       .execution_options(synchronize_session=False))
    return {"tags": moved}
