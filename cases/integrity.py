"""The installation's signing key, keyed signatures and hash chains: what makes a record prove itself.

One key signs everything the app keeps for the record: a signed decision's statement (its content hash,
its PDF's hash and its link in the chain of signed decisions), every access log entry, and the stored PDF
itself (PAdES, cases/reports/signing.py). The key never lives in the database: it is read from
SIGNING_KEY_FILE, a PEM file with the RSA-3072 private key followed by its certificate (and the
certificates of the chain up to the hospital's root, if any). RSA rather than ECDSA: pdfsig, pyHanko and
every PDF reader verify it, and it leaves a PDF/A-3 file at PDF 1.7 (pyHanko marks an ECDSA signature as an
ISO 32002 extension of PDF 2.0).

A chain is a sequence of statements, each naming its position and the SHA-256 of the statement before it,
so that removing, inserting or reordering an entry breaks every later link, and the signature of any entry
vouches for everything before it. A unique position means two appends can never fork a chain. The chain of
signed decisions also serialises its appends (`chain_lock`: on PostgreSQL a transaction-level advisory lock,
on SQLite the database's write lock, the app's transactions being BEGIN IMMEDIATE). So does the access log,
written by every logged page, in a short transaction of its own; an entry written inside a caller's
transaction appends optimistically instead (cases/audit/log.py): it signs for the position after the last
committed entry without a lock and signs again after the winner when that position was taken.

Development generates a self-signed key on first use (`development_key_path`); production refuses to
start without SIGNING_KEY_FILE (sinen_mdt/settings.py).
"""

import base64
import hashlib
import json
import logging
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# The link "before the first": a chain's first statement names this as its previous digest.
GENESIS = "0" * 64
KEY_BITS = 3072


class SigningKeyError(Exception):
    """The signing key file is missing, unreadable or not a matching RSA key and certificate."""


def canonical_json(value) -> bytes:
    """Return VALUE as canonical JSON: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the key ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningIdentity:
    """The private key and its certificate chain (the signing certificate first)."""

    private_key: rsa.RSAPrivateKey
    certificates: tuple[x509.Certificate, ...]

    @property
    def certificate(self) -> x509.Certificate:
        return self.certificates[0]

    @property
    def fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate)

    def sign(self, data: bytes) -> str:
        """Return the base64 RSA PKCS#1 v1.5 SHA-256 signature of DATA."""
        signature = self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """Return the SHA-256 of the certificate's DER encoding, in hex: the key id stored with every signature."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_identity(pem: bytes) -> SigningIdentity:
    """Parse a PEM file holding an RSA private key (3072 bits or more) and its certificate chain."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"no unencrypted PEM private key in it ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < KEY_BITS:
        raise SigningKeyError(f"the private key must be RSA with at least {KEY_BITS} bits")
    try:
        certificates = tuple(x509.load_pem_x509_certificates(pem))
    except ValueError:
        raise SigningKeyError("no PEM certificate in it (the key's certificate must follow the key)") from None
    if certificates[0].public_key().public_numbers() != key.public_key().public_numbers():
        raise SigningKeyError("the first certificate is not the private key's")
    return SigningIdentity(private_key=key, certificates=certificates)


def load_identity_file(path: Path) -> SigningIdentity:
    try:
        pem = Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        return load_identity(pem)
    except SigningKeyError as exc:
        raise SigningKeyError(f"{path}: {exc}") from None


def generate_identity(common_name: str = "sinen-mdt development signing key", days: int = 3650) -> bytes:
    """Return the PEM of a new RSA-3072 key and a self-signed certificate for it (development only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sinen-mdt development key - not for clinical use"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: a signature on a record
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem + certificate.public_bytes(serialization.Encoding.PEM)


def ensure_development_key(path: Path) -> bool:
    """Create a development key at PATH unless one is there; return whether one was created.

    Written to a temporary file and linked into place, so two processes starting at once end up with
    one key, never a half-written file. Readable by its owner only.
    """
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.write(fd, generate_identity())
        os.close(fd)
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    logger.warning("Created a self-signed development signing key at %s", path)
    return True


@cache
def _identity_from(path: str, modified: float) -> SigningIdentity:
    return load_identity_file(Path(path))


def signing_identity() -> SigningIdentity:
    """Return the installation's key and certificate from settings.SIGNING_KEY_FILE (cached per file version).

    Outside production a missing file is created (a self-signed development key); in production the
    settings refused to start without one.
    """
    path = Path(settings.SIGNING_KEY_FILE)
    if not settings.PRODUCTION:
        ensure_development_key(path)
    try:
        modified = path.stat().st_mtime
    except OSError as exc:
        raise SigningKeyError(f"SIGNING_KEY_FILE={path} cannot be read: {exc.strerror}") from None
    return _identity_from(str(path), modified)


def trusted_certificates() -> dict[str, x509.Certificate]:
    """Return the certificates whose signatures verify, by fingerprint: today's and earlier ones.

    Earlier certificates (after a key change) are listed in SIGNING_PREVIOUS_CERTIFICATES; only their
    public part is needed.
    """
    trusted = {}
    for name in settings.SIGNING_PREVIOUS_CERTIFICATES:
        try:
            for certificate in x509.load_pem_x509_certificates(Path(name).read_bytes()):
                trusted[certificate_fingerprint(certificate)] = certificate
        except (OSError, ValueError) as exc:
            raise SigningKeyError(f"SIGNING_PREVIOUS_CERTIFICATES: {name} is not a readable PEM file ({exc})") from None
    current = signing_identity().certificate
    trusted[certificate_fingerprint(current)] = current
    return trusted


def signature_holds(data: bytes, signature: str, fingerprint: str, trusted: dict | None = None) -> bool:
    """Return whether SIGNATURE (base64) is the signature of DATA by the trusted certificate FINGERPRINT."""
    certificate = (trusted if trusted is not None else trusted_certificates()).get(fingerprint)
    if certificate is None or not signature:
        return False
    try:
        certificate.public_key().verify(
            base64.b64decode(signature, validate=True), data, padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# --- chains ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One signed entry of a chain: where it stands, what it follows, what was signed, by which key."""

    position: int
    previous: str
    statement: bytes
    signature: str
    key: str

    @property
    def digest(self) -> str:
        return sha256(self.statement)


def statement(kind: str, position: int, previous: str, payload: dict) -> bytes:
    """Return the canonical statement of a chain entry: what the signature and the next link cover."""
    return canonical_json({"chain": kind, "position": position, "previous": previous, **payload})


def next_link(kind: str, last: tuple[int, str] | None, payload: dict) -> Link:
    """Sign PAYLOAD as the entry after LAST ((position, statement digest), or None for the first entry).

    Call it under `chain_lock(kind)`, with LAST read under that lock, or insert its entry where a taken
    position is refused and call it again on refusal (the access log).
    """
    position, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    identity = signing_identity()
    text = statement(kind, position, previous, payload)
    return Link(position, previous, text, identity.sign(text), identity.fingerprint)


# Advisory lock keys (PostgreSQL bigint): one per chain, fixed so that every app server takes the same one.
_LOCK_KEYS = {"decisions": 0x5149_4E45_4E01, "access_log": 0x5149_4E45_4E02}


@contextmanager
def chain_lock(kind: str):
    """Serialise appends to the chain KIND until the surrounding transaction ends.

    PostgreSQL: a transaction-level advisory lock (released at commit or rollback). SQLite: the app's
    transactions begin IMMEDIATE, so the transaction already holds the database's only write lock.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("a chain is appended to inside a transaction only")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEYS[kind]])
    yield
