"""Writing the access log: each entry appended to the chain and signed (cases/integrity.py)."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases import integrity
from cases.audit.models import AccessAction, AccessLog, AccessLogError
from cases.compiled import CompiledInsert, CompiledQuery

# The chain's last entry, read before every append: compiled once (cases/compiled.py).
LAST_ENTRY = CompiledQuery(lambda: AccessLog.objects.order_by("-chain_position")[:1])
# Its INSERT, compiled once: save() spent 0.6 ms more on compiling it and its signals, under the chain's lock.
INSERT_ENTRY = CompiledInsert(AccessLog)


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


# Tries before an append gives up: each lost race means another entry took the position in the meantime.
APPEND_ATTEMPTS = 20


def append(entry: AccessLog) -> AccessLog:
    """Write ENTRY as the next link of the access log's chain, signed, and return it.

    The last committed entry is read, ENTRY gets its time, position and the previous statement's digest, the
    key signs its statement, and the row is inserted. The chain's position is unique (and on SQLite a trigger
    refuses a taken one), so when another entry took the position in the meantime the insert fails and ENTRY is
    linked and signed again after that one: the chain never forks and never has a gap.

    A logged page appends in autocommit: each try is a short transaction of its own under the chain's lock
    (`integrity.chain_lock`: a PostgreSQL transaction-level advisory lock, SQLite's write lock), held for the
    reading, the signature (an RSA-3072 signature, about 2 ms) and the insert only, so that the pages of all
    app servers append one after the other instead of racing for the same position. Without it, 40 users on 3
    workers lost more than half of their races: each lost race cost another reading and signature, and an
    error in PostgreSQL's log (bench/load.py, issue 14). Under the lock only an entry of a caller's transaction
    (below) can still take the position first; the insert then fails, the transaction is rolled back and the
    entry is linked again in a new one.

    Inside a caller's transaction (an entry commits with the change it records) no lock is taken, as that lock
    would be held until the caller commits; the entry is appended optimistically, each insert under a savepoint
    so that a lost race does not fail the change; on SQLite that transaction already holds the database's write
    lock (BEGIN IMMEDIATE), so no other entry can come in between. The address is stored as the database will
    give it back, so that the statement verifies later.
    """
    field = AccessLog._meta.get_field("ip_address")
    entry.ip_address = field.get_prep_value(entry.ip_address) if entry.ip_address else None
    in_callers_transaction = connection.in_atomic_block
    for _ in range(APPEND_ATTEMPTS):
        try:
            if in_callers_transaction:
                return _link_and_insert(entry, savepoint=True)
            with transaction.atomic(), integrity.chain_lock("access_log"):
                return _link_and_insert(entry, savepoint=False)
        except IntegrityError:
            entry.pk = None  # the position was taken: link and sign again after the new last entry
    raise AccessLogError(f"the access log entry lost the race for a position {APPEND_ATTEMPTS} times")


def _link_and_insert(entry: AccessLog, *, savepoint: bool) -> AccessLog:
    """Link ENTRY after the last entry its transaction sees, sign it and insert it, under a SAVEPOINT if asked
    (IntegrityError when another entry has taken the position)."""
    last = LAST_ENTRY.first()
    entry.at = timezone.now()
    link = integrity.next_link(
        "access_log",
        (last.chain_position, integrity.sha256(last.chain_statement())) if last else None,
        entry.chain_payload(),
    )
    entry.chain_position, entry.chain_previous = link.position, link.previous
    entry.signature, entry.signing_key = link.signature, link.key
    if savepoint:
        with transaction.atomic():  # a taken position fails this insert, not the caller's change
            INSERT_ENTRY.insert(entry)
    else:
        INSERT_ENTRY.insert(entry)
    return entry
