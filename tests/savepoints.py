"""A savepoint that a test rolls back, marked as TestCase marks its own.

Tests that run many requests against one world wrap each in a savepoint and roll it back. Sign-off writes in
`transaction.atomic(durable=True)`, which Django refuses inside another atomic block except TestCase's own
(they stand for the autocommit the durable block expects in production); these savepoints stand for the
same, so a chair's signature can run inside them.
"""

from django.db import transaction


def savepoint() -> transaction.Atomic:
    """Return an atomic block that durable blocks may run inside, like TestCase's per-test transaction."""
    block = transaction.atomic()
    block._from_testcase = True
    return block
