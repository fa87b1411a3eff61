"""PAdES signatures on the stored PDFs: the PDF alone proves what was signed, to any reader and to pdfsig.

`sign_record_pdf` takes the PDF/A-3u bytes WeasyPrint rendered, attaches the decision's canonical JSON as
a PDF/A-3 associated file (AFRelationship /Data, so the PDF carries the record in machine-readable form),
and certifies the document with the installation's key (cases/integrity.py): a PAdES baseline B signature
(ETSI.CAdES.detached, SHA-256, RSA), DocMDP "no changes allowed". Both go into one incremental update:
the rendered bytes stay untouched at the start of the file, the signature covers the whole file, and
pdfsig or any PDF reader reports it signed and unmodified.

`pades_problems` checks a stored PDF as verify_records does: one signature, intact and valid, covering
the entire file with no later change, by one of the installation's certificates.
"""

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from cases import integrity

SIGNATURE_FIELD = "Signature"
RECORD_MIME_TYPE = "application/json"
PDF_A_3_VERSION = (1, 7)


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key already in memory.

    SimpleSigner parses its key from DER for every signature, and cryptography checks an RSA key at every
    parse (some 200 ms for RSA-3072, twice per PDF: pyHanko signs once to size the signature).
    """

    def __init__(self, private_key: rsa.RSAPrivateKey, **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return self._private_key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@cache
def _signer(fingerprint: str) -> signers.SimpleSigner:
    """A pyHanko signer for the installation's key (one per key: FINGERPRINT names it)."""
    identity = integrity.signing_identity()
    key = asn1_keys.PrivateKeyInfo.load(
        identity.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificates = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in identity.certificates
    ]
    return _LoadedKeySigner(
        identity.private_key,
        signing_cert=certificates[0],
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(certificates),
    )


def sign_record_pdf(pdf: bytes, *, record: bytes, record_name: str, description: str, reason: str) -> bytes:
    """Return PDF with RECORD attached (associated file RECORD_NAME) and certified with the installation's key."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    declared_version = writer.root.get("/Version")
    now = datetime.now(UTC)
    embed_file(
        writer,
        FileSpec(
            file_spec_string=record_name,
            file_name=record_name,
            embedded_data=EmbeddedFileObject.from_file_data(
                writer,
                data=record,
                mime_type=RECORD_MIME_TYPE,
                params=EmbeddedFileParams(creation_date=now, modification_date=now),
            ),
            description=description,
            af_relationship=pdf_name("/Data"),
        ),
    )
    # pyHanko marks /AF as PDF 2.0 and raises the file's version; PDF/A-3 (ISO 19005-3, 6.8) defines associated
    # files for PDF 1.7, which the archive format requires. With an RSA key the signature needs nothing newer.
    if declared_version is None:
        del writer.root["/Version"]
    else:
        writer.root["/Version"] = declared_version
    writer.update_root()
    writer.output_version = PDF_A_3_VERSION
    identity = integrity.signing_identity()
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=reason,
        location="sinen-mdt",
    )
    signer = signers.PdfSigner(metadata, _signer(identity.fingerprint))
    return outside_any_event_loop(lambda: signer.sign_pdf(writer).getvalue())


def outside_any_event_loop[T](work: Callable[[], T]) -> T:
    """Return WORK(), run in a thread of its own when this thread runs an asyncio event loop.

    pyHanko's synchronous API calls asyncio.run(), which refuses to run inside a running loop (an ASGI
    server's thread, or a test session driving a browser).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def attached_record(pdf: bytes, record_name: str) -> bytes | None:
    """Return the bytes of the associated file RECORD_NAME in PDF, or None when it has none."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        specs = reader.root.get("/AF")
        for spec in specs.get_object() if specs is not None else []:
            spec = spec.get_object()
            if spec.get("/UF") == record_name or spec.get("/F") == record_name:
                return spec["/EF"]["/F"].get_object().data
    except Exception:  # a damaged file has no readable record; pades_problems says what is wrong with it
        return None
    return None


def pades_problems(pdf: bytes, trusted: dict | None = None) -> list[str]:
    """Return what does not hold about the PDF's PAdES signature (empty when it is sound).

    TRUSTED maps certificate fingerprints to the installation's certificates (integrity.trusted_certificates).
    The certificate is pinned by fingerprint rather than validated up to a root, so that a record still
    verifies after its certificate has expired: what counts is which key signed, and that nothing changed.
    """
    trusted = trusted if trusted is not None else integrity.trusted_certificates()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyHanko raises many kinds for a damaged file; any of them is a finding
        return [f"the PDF cannot be read ({exc.__class__.__name__})"]
    if len(signatures) != 1:
        return [f"the PDF has {len(signatures)} digital signatures, not one"]
    signature = signatures[0]
    try:
        roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trusted.values()]
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = outside_any_event_loop(lambda: validate_pdf_signature(signature, context))
    except (SignatureValidationError, ValueError) as exc:
        return [f"its digital signature cannot be validated ({exc})"]
    problems = []
    if not (status.intact and status.valid):
        problems.append("its digital signature is not valid: the signed bytes were changed")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append("its digital signature does not cover the whole file: something was added after signing")
    signer = signature.signer_cert.dump()
    fingerprint = integrity.sha256(signer)
    if fingerprint not in trusted:
        problems.append("its digital signature is not by one of the installation's certificates")
    return problems
