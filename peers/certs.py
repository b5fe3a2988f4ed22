"""Keys and certificates made at start, never stored in git: a SAML signing pair and a TLS chain for SMTP."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .process import PeerUnavailable

EXTRA_HINT = "install the test extras: pip install -e '.[test,peers]' (or `make peers`)"


@dataclass(frozen=True)
class KeyPair:
    cert_path: Path
    key_path: Path

    @property
    def cert_pem(self) -> str:
        return self.cert_path.read_text()

    @property
    def cert_base64(self) -> str:
        """The certificate's DER in base64, as SAML metadata and KeyInfo carry it."""
        return "".join(line for line in self.cert_pem.splitlines() if "-----" not in line)


def signing_pair(folder: Path, name: str, common_name: str) -> KeyPair:
    """A fresh self-signed RSA-2048 certificate valid for two days, as PEM files in folder."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError as error:
        raise PeerUnavailable(f"cryptography is not installed: {EXTRA_HINT}") from error
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .sign(key, hashes.SHA256()))
    pair = KeyPair(folder / f"{name}-cert.pem", folder / f"{name}-key.pem")
    pair.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pair.key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    pair.key_path.chmod(0o600)
    return pair


@dataclass(frozen=True)
class TlsChain:
    """A test CA and a server certificate it issued; clients trust ca_file, servers load the context."""

    ca_file: Path
    server_context: object  # ssl.SSLContext, kept loose so this module imports without ssl typing


def tls_chain(folder: Path, hostnames: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsChain:
    try:
        import trustme
    except ImportError as error:
        raise PeerUnavailable(f"trustme is not installed: {EXTRA_HINT}") from error
    import ssl

    ca = trustme.CA()
    server_cert = ca.issue_cert(*hostnames)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    ca_file = folder / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return TlsChain(ca_file=ca_file, server_context=context)
