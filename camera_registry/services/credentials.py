"""Encryption at rest of stream credentials (Fernet: AES-128-CBC with an HMAC)."""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

REDACTED = "***"


class CredentialBox:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    @classmethod
    def from_config(cls, config) -> "CredentialBox":
        key = config.get("CREDENTIALS_KEY")
        if not key:
            # Derive a stable Fernet key from the secret key; a separate key can be set later.
            digest = hashlib.sha256(b"camreg-credentials:" + config["SECRET_KEY"].encode()).digest()
            key = base64.urlsafe_b64encode(digest).decode()
        return cls(key)

    def encrypt(self, clear: str | None) -> str | None:
        if clear is None or clear == "":
            return None
        return self._fernet.encrypt(clear.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stream credentials cannot be decrypted: wrong CAMREG_CREDENTIALS_KEY?") from exc
