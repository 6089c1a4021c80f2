"""Who the customer is, as the embedding site tells the widget (`LadderWidget.identify`), and
the page they wrote from. A site proves an identity with an HMAC-SHA256 of the customer's
external id under its own secret (as Intercom's and Chatwoot's identity verification do), so
nobody can claim to be another customer: without that proof a name is shown as unverified and
the external id is dropped."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .actions import ActionRefused, _locked, append_event
from .live import INBOX_GROUP, publish_after_commit
from .models import Conversation

MAX_EXTERNAL_ID_CHARS = 200
MAX_NAME_CHARS = 120
MAX_PAGE_CHARS = 500


@dataclass(frozen=True)
class Identity:
    external_id: str
    name: str
    email: str
    verified: bool


def identity_hash(secret: str, external_id: str) -> str:
    """What the site's server computes and hands to identify() as `hash`."""
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


def site_secret(origin: str) -> str:
    """The identity secret of the site at `origin` (WIDGET_IDENTITY_SECRETS), or ""."""
    return str(settings.WIDGET_IDENTITY_SECRETS.get(origin, ""))


def _text(frame: dict[str, Any], name: str, limit: int) -> str:
    value = frame.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ActionRefused(
            "invalid_identity", f"`{name}` must be text of at most {limit} characters."
        )
    return " ".join(value.split())


def check_identity(frame: dict[str, Any], origin: str) -> Identity:
    external_id = _text(frame, "external_id", MAX_EXTERNAL_ID_CHARS)
    name = _text(frame, "name", MAX_NAME_CHARS)
    email = _text(frame, "email", 254)
    given_hash = frame.get("hash", "")
    if not isinstance(given_hash, str) or len(given_hash) > 128:
        raise ActionRefused("invalid_identity", "`hash` must be a hex HMAC-SHA256.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ActionRefused("invalid_identity", "`email` is not an email address.") from None
    if not (external_id or name or email):
        raise ActionRefused("invalid_identity", "Say who the customer is: an id, name or email.")
    secret = site_secret(origin)
    verified = bool(
        secret
        and external_id
        and given_hash
        and hmac.compare_digest(identity_hash(secret, external_id), given_hash.lower())
    )
    # An unproven external id would let anyone read as another customer: it is dropped.
    return Identity(external_id if verified else "", name, email, verified)


def do_identify_customer(conversation_id: int, identity: Identity) -> Conversation:
    """Record who the customer is; the inbox shows it at once."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        changed = {
            "customer_external_id": identity.external_id,
            "customer_name": identity.name,
            "customer_verified": identity.verified,
        }
        if identity.email:
            changed["customer_email"] = identity.email
        if all(getattr(conversation, field) == value for field, value in changed.items()):
            return conversation
        for field, value in changed.items():
            setattr(conversation, field, value)
        Conversation.objects.filter(pk=conversation.pk).update(**changed)
        # The trail says that (and how well) the customer was identified, not who they are.
        append_event(
            conversation, "customer.identified", "customer", {"verified": identity.verified}
        )
        publish_after_commit(
            INBOX_GROUP, {"type": "inbox.changed", "conversation": str(conversation.public_id)}
        )
    return conversation


def check_page(page: object) -> str:
    """The page the widget runs on: an http(s) address, cut to what the column holds."""
    if page is None or page == "":
        return ""
    if not isinstance(page, str) or len(page) > 2000:
        raise ActionRefused("invalid_field", "`page` must be the address of a web page.")
    parts = urlsplit(page)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ActionRefused("invalid_field", "`page` must be an http(s) address.")
    return page[:MAX_PAGE_CHARS]


def do_note_customer_page(conversation_id: int, page: str) -> None:
    """The customer wrote from another page of the site (a resumed conversation)."""
    Conversation.objects.filter(pk=conversation_id).exclude(customer_page=page).update(
        customer_page=page
    )
