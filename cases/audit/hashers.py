"""Password hashing chosen for this workload: Argon2id at OWASP's minimum parameters.

OWASP's Password Storage Cheat Sheet: "Use Argon2id with a minimum configuration of 19 MiB of memory, an
iteration count of 2, and 1 degree of parallelism." Django's defaults are 100 MiB, 2 iterations and 8
lanes: measured on the 2-core server of the load test (bench/login.py), one check took about 190 ms and
100 MiB, and 8 logins at once took a gunicorn worker to 524 MiB; logins were the load test's knee. At
19 MiB and 1 lane a check costs a fifth of the memory and a fraction of the time (docs/architecture.md
has the figures), which is still OWASP's recommended cost for a guessing attack on a stolen table.

The algorithm name stays "argon2", so stored hashes keep their format (the parameters are written in
each hash) and Django's own Argon2 hasher could still read them. A hash made with other parameters
(Django's defaults, or PBKDF2 from older installations) is rehashed with these at the user's next
successful login: Django's check_password asks `must_update`, which compares the parameters.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, 19 MiB, 2 iterations, 1 lane (OWASP's minimum configuration)."""

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
