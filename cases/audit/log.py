"""Writing the access log."""

from cases.audit.models import AccessAction, AccessLog


def client_ip(request) -> str | None:
    """Return the client's address as the app sees it (REMOTE_ADDR; the proxy sets it right)."""
    return request.META.get("REMOTE_ADDR") or None


def record_access(request, action: AccessAction, target=None, *, status_code: int | None = None, user=None) -> None:
    """Append one entry: who (request.user or USER), what (ACTION on TARGET's public_id), from where."""
    user = user if user is not None else getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=getattr(target, "public_id", None),
        path=request.path[:300],
        method=request.method or "",
        status_code=status_code,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
