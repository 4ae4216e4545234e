"""What providers and mail servers send back, built as they build it: signed webhooks, SNS
notifications signed with a certificate of our own, delivery reports and complaints as e-mails."""
import base64
import json
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from leap_members.outreach.provider_reports import sign
from leap_members.outreach.sns import canonical

WEBHOOK_SECRET = "whsec-test-bounces"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ses-bounces"
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"


def post_generic(client, events: list[dict], secret: str = WEBHOOK_SECRET, at: int | None = None):
    body = json.dumps({"events": events}).encode()
    header = sign(secret, body, int(time.time()) if at is None else at)
    return client.post("/webhooks/email/generic", data=body, content_type="application/json",
                       headers={"X-Leap-Signature": header})


def generic_event(event_id: str, kind: str, email: str, when: datetime | None = None, **extra) -> dict:
    when = when or datetime.now(timezone.utc)
    return {"id": event_id, "type": kind, "email": email, "occurred_at": when.isoformat(), **extra}


def postmark_bounce(email: str, record_type: str = "Bounce", kind: str = "HardBounce", event_id: int = 4323372036,
                    message_id: str = "883953f4-6105-42a2-a16a-77a8eac79483") -> dict:
    """A Postmark Bounce (or SpamComplaint) webhook body, as in Postmark's documentation."""
    return {"RecordType": record_type, "MessageStream": "outbound", "ID": event_id, "Type": kind, "TypeCode": 1,
            "Name": "Hard bounce", "Tag": "", "MessageID": message_id, "Metadata": {}, "ServerID": 23,
            "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
            "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            "Email": email, "From": "members@leap.example", "BouncedAt": "2026-03-02T16:33:54.9070259Z",
            "DumpAvailable": False, "Inactive": True, "CanActivate": True, "Subject": "Hearing on Thursday"}


class SnsSigner:
    """A key and self-signed certificate standing in for Amazon's, and SNS messages signed with it."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(timezone.utc)
        self.pem = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
                    .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                    .not_valid_after(now + timedelta(days=30)).sign(self.key, hashes.SHA256())
                    .public_bytes(serialization.Encoding.PEM))
        self.fetched: list[str] = []

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        return self.pem

    def envelope(self, message: dict | str, kind: str = "Notification", version: str = "1",
                 topic: str = TOPIC_ARN, **fields) -> dict:
        envelope = {"Type": kind, "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", "TopicArn": topic,
                    "Message": message if isinstance(message, str) else json.dumps(message),
                    "Timestamp": "2026-03-02T16:34:00.000Z", "SignatureVersion": version,
                    "SigningCertURL": CERT_URL, **fields}
        if kind == "Notification":
            envelope.setdefault("Subject", "Amazon SES Email Event Notification")
        else:
            envelope.setdefault("Token", "2336412f37fb687f5d51e6e2425f004aed")
            envelope.setdefault("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"
                                                "&TopicArn=" + topic + "&Token=2336412f37fb687f5d51e6e2425f004aed")
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(canonical(envelope), padding.PKCS1v15(), algorithm)
        envelope["Signature"] = base64.b64encode(signature).decode()
        return envelope


def ses_bounce(email: str, bounce_type: str = "Permanent", feedback_id: str = "0100016f-bounce-1",
               message_id: str | None = None, source: str = "members@leap.example") -> dict:
    return {"notificationType": "Bounce",
            "bounce": {"bounceType": bounce_type, "bounceSubType": "General", "feedbackId": feedback_id,
                       "timestamp": "2026-03-02T16:33:54.000Z", "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
                       "bouncedRecipients": [{"emailAddress": email, "action": "failed", "status": "5.1.1",
                                              "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
            "mail": {"timestamp": "2026-03-02T16:33:50.000Z", "source": source, "messageId": "ses-internal-id",
                     "destination": [email],
                     "commonHeaders": {"subject": "Hearing on Thursday", **({"messageId": message_id}
                                                                            if message_id else {})}}}


def ses_complaint(email: str, feedback_id: str = "0100016f-complaint-1") -> dict:
    return {"notificationType": "Complaint",
            "complaint": {"feedbackId": feedback_id, "timestamp": "2026-03-02T17:00:00.000Z",
                          "complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": email}]},
            "mail": {"timestamp": "2026-03-02T16:33:50.000Z", "source": "members@leap.example",
                     "messageId": "ses-internal-id", "destination": [email]}}


def post_sns(client, envelope: dict):
    # SNS posts its JSON as text/plain.
    return client.post("/webhooks/email/ses", data=json.dumps(envelope), content_type="text/plain; charset=UTF-8",
                       headers={"x-amz-sns-message-type": envelope["Type"]})


def original(to: str, message_id: str, subject: str = "Hearing on Thursday") -> EmailMessage:
    sent = EmailMessage()
    sent["From"] = "LEAP Members <members@leap.example>"
    sent["To"] = to
    sent["Subject"] = subject
    sent["Message-ID"] = message_id
    sent.set_content("Dear Ana,\n\nThe hearing is on Thursday.\n")
    return sent


def dsn(envelope_to: str, recipient: str, returned: Message | None, action: str = "failed",
        status: str = "5.1.1", report_id: str = "<20260302163400.ABC123@mx.example.net>") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes one."""
    report = _report("delivery-status", {
        "From": "MAILER-DAEMON@mx.example.net (Mail Delivery System)", "To": envelope_to,
        "Delivered-To": envelope_to, "Subject": "Undelivered Mail Returned to Sender",
        "Date": "Mon, 02 Mar 2026 16:34:00 +0000", "Message-ID": report_id},
        "I'm sorry to have to inform you that your message could not be delivered.\n")
    report.attach(_machine_part("delivery-status", {
        "Reporting-MTA": "dns; mx.example.net", "Arrival-Date": "Mon, 02 Mar 2026 16:33:50 +0000"}, {
        "Final-Recipient": f"rfc822; {recipient}", "Original-Recipient": f"rfc822;{recipient}", "Action": action,
        "Status": status, "Remote-MTA": "dns; mail.example.org",
        "Diagnostic-Code": f"smtp; 550 {status} <{recipient}>: Recipient address rejected"}))
    if returned is not None:
        report.attach(MIMEMessage(returned))
    return report.as_bytes()


def arf(envelope_to: str, original_mail_from: str, returned: Message,
        report_id: str = "<arf-1@feedback.example.net>") -> bytes:
    """A spam complaint in the Abuse Reporting Format (RFC 5965)."""
    report = _report("feedback-report", {
        "From": "feedback@feedback.example.net", "To": envelope_to,
        "Subject": "Complaint about message from 192.0.2.1", "Date": "Mon, 02 Mar 2026 18:00:00 +0000",
        "Message-ID": report_id}, "This is an e-mail abuse report.\n")
    report.attach(_machine_part("feedback-report", {
        "Feedback-Type": "abuse", "User-Agent": "ExampleFBL/1.0", "Version": "1",
        "Original-Mail-From": f"<{original_mail_from}>", "Arrival-Date": "Mon, 02 Mar 2026 17:59:00 +0000",
        "Source-IP": "192.0.2.1"}))
    report.attach(MIMEMessage(returned))
    return report.as_bytes()


def _report(report_type: str, headers: dict[str, str], words: str) -> MIMEMultipart:
    """A multipart/report with its headers and the part written for people."""
    report = MIMEMultipart("report", report_type=report_type)
    for name, value in headers.items():
        report[name] = value
    report.attach(MIMEText(words))
    return report


def _machine_part(subtype: str, *blocks: dict[str, str]) -> MIMEBase:
    """The report's message/<subtype> part: blocks of fields, held as the email package holds them."""
    part = MIMEBase("message", subtype)
    fields = []
    for block in blocks:
        fields.append(Message())
        for name, value in block.items():
            fields[-1][name] = value
    part.set_payload(fields)
    return part
