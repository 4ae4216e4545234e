"""Signals that let one feature follow another without importing its views."""
from blinker import Namespace

signals = Namespace()

# Sent with the Member after a confirmed change of e-mail address, inside the transaction.
member_email_changed = signals.signal("member-email-changed")
# Sent with the new Member when someone joins (members/services.register_member) or is added through the
# API (api/signup.py), inside the transaction.
member_joined = signals.signal("member-joined")
