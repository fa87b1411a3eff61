"""Writing the access log: each entry appended to the chain and signed (cases/integrity.py)."""

from django.db import transaction
from django.utils import timezone

from cases import integrity
from cases.audit.models import AccessAction, AccessLog


def client_ip(request) -> str | None:
    """Return the client's address as the app sees it (REMOTE_ADDR; the proxy sets it right)."""
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    request,
    action: AccessAction,
    target=None,
    *,
    status_code: int | None = None,
    user=None,
    username: str = "",
    detail: str = "",
) -> None:
    """Append one entry: who (request.user or USER), what (ACTION on TARGET's public_id), from where.

    USERNAME names someone without an account object (a failed login's typed name); DETAIL says why.
    TARGET may also be a (model label, UUID) pair, for callers that have the identifier but not the row.
    """
    user = user if user is not None else getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    if isinstance(target, tuple):
        object_type, object_id = target
    elif target is not None:
        object_type, object_id = target._meta.label_lower, getattr(target, "public_id", None)
    else:
        object_type, object_id = "", None
    append(
        AccessLog(
            user=user if authenticated else None,
            username=(user.get_username() if authenticated else username)[:150],
            action=action,
            object_type=object_type,
            object_id=object_id,
            path=request.path[:300],
            method=request.method or "",
            status_code=status_code,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            detail=detail[:200],
        )
    )


def append(entry: AccessLog) -> AccessLog:
    """Write ENTRY as the next link of the access log's chain, signed, and return it.

    Under the chain's lock (its own transaction, or the caller's: an entry commits with the change it
    records) the last entry is read, ENTRY gets its time, position and the previous statement's digest, and
    the key signs its statement. The address is stored as the database will give it back, so that the
    statement verifies later.
    """
    field = AccessLog._meta.get_field("ip_address")
    entry.ip_address = field.get_prep_value(entry.ip_address) if entry.ip_address else None
    # No savepoint inside a caller's transaction: an entry that cannot be written fails the change it records.
    with transaction.atomic(savepoint=False), integrity.chain_lock("access_log"):
        last = AccessLog.objects.order_by("-chain_position").first()
        entry.at = timezone.now()
        link = integrity.next_link(
            "access_log",
            (last.chain_position, integrity.sha256(last.chain_statement())) if last else None,
            entry.chain_payload(),
        )
        entry.chain_position, entry.chain_previous = link.position, link.previous
        entry.signature, entry.signing_key = link.signature, link.key
        entry.save()
    return entry
