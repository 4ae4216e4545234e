"""Amazon SES bounce and complaint notifications, delivered by SNS, with SNS's signature checked.

Nothing in a message is used before its signature is verified with the certificate its
SigningCertURL names, and that URL must be https on an SNS host (``sns.<region>.amazonaws.com``),
so only Amazon can sign. The topic must be one of SES_SNS_TOPIC_ARNS. Certificates are cached per
process by URL (Amazon never changes the certificate behind a URL); how they are fetched is
``SNS_CERTIFICATE_FETCHER`` (a function of the URL returning PEM bytes), so tests sign with a
certificate of their own and nothing here needs the internet.

A SubscriptionConfirmation is logged with its SubscribeURL for an operator to open: the app never
fetches a URL a request gave it on its own (README, "Bounce webhooks").
"""
import base64
import binascii
import re
import urllib.request
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Request, current_app

from ..core.timeutil import utcnow
from .bounces import Report, source_key
from .models import DeliveryKind
from .provider_reports import Malformed, Refused, parse_address, parse_json, parse_time

SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com$")
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
BOUNCE_KINDS = {"Permanent": DeliveryKind.HARD_BOUNCE, "Transient": DeliveryKind.SOFT_BOUNCE,
                "Undetermined": DeliveryKind.SOFT_BOUNCE}
MAX_CERTIFICATE_BYTES = 64 * 1024


def read_ses(request: Request) -> list[Report]:
    envelope = parse_json(request.get_data(cache=False))
    if not isinstance(envelope, dict) or envelope.get("Type") not in SIGNED_FIELDS:
        raise Malformed("not an SNS message")
    if any(not isinstance(envelope.get(name, ""), str) for name in (*SIGNED_FIELDS[envelope["Type"]],
                                                                    "Signature", "SigningCertURL")):
        raise Malformed("an SNS message's fields are strings")
    if envelope.get("TopicArn") not in current_app.config["SES_SNS_TOPIC_ARNS"]:
        raise Refused(f"topic {str(envelope.get('TopicArn'))[:200]!r} is not in SES_SNS_TOPIC_ARNS", 403)
    verify(envelope)
    if envelope["Type"] == "SubscriptionConfirmation":
        current_app.logger.warning("SNS asks to confirm the subscription of %s to this webhook. To confirm, "
                                   "open this address once: %s", envelope["TopicArn"], envelope.get("SubscribeURL"))
        return []
    if envelope["Type"] == "UnsubscribeConfirmation":
        current_app.logger.warning("SNS says this webhook was unsubscribed from %s", envelope["TopicArn"])
        return []
    return ses_reports(parse_json(envelope.get("Message", "").encode()))


def verify(envelope: dict) -> None:
    """Raise Refused unless Amazon signed exactly these fields."""
    algorithm = HASHES.get(str(envelope.get("SignatureVersion")))
    if algorithm is None:
        raise Refused("SignatureVersion must be 1 or 2", 403)
    url = envelope.get("SigningCertURL", "")
    parts = urlsplit(url)
    if parts.scheme != "https" or not SNS_HOST.match(parts.hostname or "") or parts.port not in (None, 443) \
            or not parts.path.endswith(".pem"):
        raise Refused("SigningCertURL is not an SNS certificate address", 403)
    try:
        signature = base64.b64decode(envelope.get("Signature", ""), validate=True)
    except (binascii.Error, ValueError):
        raise Refused("the signature is not base64", 403) from None
    fetch = current_app.config["SNS_CERTIFICATE_FETCHER"] or fetch_certificate
    try:
        key = _public_key(url, fetch)
    except (OSError, ValueError) as exc:
        raise Refused(f"the signing certificate cannot be used: {exc}", 403) from None
    try:
        key.verify(signature, canonical(envelope), padding.PKCS1v15(), algorithm())
    except InvalidSignature:
        raise Refused("the signature does not match", 403) from None


def canonical(envelope: dict) -> bytes:
    """The text SNS signs: each signed field present, as "Name\\nvalue\\n", in this order."""
    names = SIGNED_FIELDS[envelope["Type"]]
    return "".join(f"{name}\n{envelope[name]}\n" for name in names if name in envelope).encode()


def fetch_certificate(url: str) -> bytes:
    """The PEM behind ``url`` (already checked to be https on an SNS host)."""
    with urllib.request.urlopen(url, timeout=10) as response:   # https on an SNS host, checked by verify()
        return response.read(MAX_CERTIFICATE_BYTES)


@lru_cache(maxsize=16)
def _public_key(url: str, fetch: Callable[[str], bytes]) -> rsa.RSAPublicKey:
    certificate = x509.load_pem_x509_certificate(fetch(url))
    now = utcnow()
    if not (certificate.not_valid_before_utc.replace(tzinfo=None) <= now
            <= certificate.not_valid_after_utc.replace(tzinfo=None)):
        raise ValueError("the certificate has expired or is not valid yet")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the certificate's key is not RSA")
    return key


def ses_reports(message) -> list[Report]:
    """The bounces and complaints of one SES notification (or event); deliveries and the rest give none."""
    if not isinstance(message, dict):
        raise Malformed("the SNS Message is not an SES notification")
    kind_name = message.get("notificationType") or message.get("eventType")
    mail = message["mail"] if isinstance(message.get("mail"), dict) else {}
    if kind_name == "Bounce":
        body, listed = message.get("bounce"), "bouncedRecipients"
    elif kind_name == "Complaint":
        body, listed = message.get("complaint"), "complainedRecipients"
    else:
        return []
    if not isinstance(body, dict) or not isinstance(body.get(listed), list) or not body.get("feedbackId"):
        raise Malformed(f"an SES {kind_name} needs feedbackId and {listed}")
    kind = (BOUNCE_KINDS.get(str(body.get("bounceType")), DeliveryKind.SOFT_BOUNCE) if kind_name == "Bounce"
            else DeliveryKind.COMPLAINT)
    feedback_id = str(body["feedbackId"])
    occurred_at = parse_time(body.get("timestamp"), feedback_id)
    return_path = mail.get("source") if isinstance(mail.get("source"), str) else None
    reports = []
    for recipient in body[listed]:
        if not isinstance(recipient, dict):
            raise Malformed(f"SES {feedback_id}: each recipient needs an emailAddress")
        address = parse_address(recipient.get("emailAddress"), feedback_id)
        detail = " ".join(str(recipient.get(name) or body.get(name) or "") for name in
                          ("status", "diagnosticCode", "bounceSubType", "complaintFeedbackType")).strip()
        reports.append(Report(source_key=source_key("ses", feedback_id, address), kind=kind, address=address,
                              occurred_at=occurred_at, detail=detail, message_id=_original_message_id(mail),
                              return_paths=(return_path,) if return_path else ()))
    return reports


def _original_message_id(mail: dict) -> str | None:
    """The Message-ID header we gave the message (SES's own ``messageId`` is another thing)."""
    common = mail.get("commonHeaders")
    if isinstance(common, dict) and isinstance(common.get("messageId"), str):
        return common["messageId"]
    for header in mail.get("headers") or ():
        if isinstance(header, dict) and str(header.get("name", "")).lower() == "message-id":
            value = header.get("value")
            return value if isinstance(value, str) else None
    return None
