"""Encryption at rest for sensitive text, and keyed hashes for exact look-ups.

Keys come from the environment (LIEN_ENCRYPTION_KEYS, LIEN_BLIND_INDEX_KEY) or from the JSON
key file named by LIEN_KEYS_FILE: {"encryption": [newest, ..., oldest], "blind_index": "..."}.
The newest key encrypts; every listed key decrypts, so keys rotate without downtime.
"""

import base64
import hashlib
import hmac
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "fernet:"  # noqa: S105 (a marker, not a secret)


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def generate_keys() -> dict:
    return {
        "encryption": [Fernet.generate_key().decode()],
        "blind_index": base64.urlsafe_b64encode(Fernet.generate_key()[:32]).decode(),
    }


def write_key_file(path: Path) -> bool:
    """Create a key file with fresh keys unless one exists; returns True when it wrote one."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate_keys(), indent=2) + "\n")
    path.chmod(0o600)
    return True


def _configured_keys() -> tuple[tuple[str, ...], str]:
    encryption = tuple(settings.LIEN_ENCRYPTION_KEYS)
    blind = settings.LIEN_BLIND_INDEX_KEY
    if not encryption or not blind:
        path = Path(settings.LIEN_KEYS_FILE)
        if path.exists():
            data = json.loads(path.read_text())
            encryption = encryption or tuple(data.get("encryption", ()))
            blind = blind or data.get("blind_index", "")
    if not encryption or not blind:
        raise ImproperlyConfigured(
            "No encryption keys: set LIEN_ENCRYPTION_KEYS and LIEN_BLIND_INDEX_KEY, "
            "or create the key file with `manage.py generate_keys`."
        )
    return encryption, blind


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(_configured_keys()[0])


def encrypt(plaintext: str) -> str:
    return TOKEN_PREFIX + _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("value is not an encrypted token")
    try:
        return _current().decrypt(token[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this value") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (it stays readable throughout)."""
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("value is not an encrypted token")
    try:
        rotated = _current().rotate(token[len(TOKEN_PREFIX) :].encode())
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this value") from exc
    return TOKEN_PREFIX + rotated.decode()


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt binary content (an uploaded file): a Fernet token, itself bytes."""
    return _current().encrypt(bytes(data))


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(bytes(token))
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this content") from exc


def normalise_for_index(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in value if ch.isalnum())


def blind_index(value: str) -> str:
    """A keyed hash for exact look-ups: equal after normalisation gives equal digests."""
    key = _configured_keys()[1].encode()
    digest = hmac.new(key, normalise_for_index(value).encode(), hashlib.sha256)
    return digest.hexdigest()
