import pytest
from cryptography.fernet import Fernet

from camera_registry.services.credentials import CredentialBox


def test_round_trip():
    box = CredentialBox.from_config({"SECRET_KEY": "k"})
    token = box.encrypt("s3cret")
    assert "s3cret" not in token and box.decrypt(token) == "s3cret"


def test_empty_values_are_not_stored():
    box = CredentialBox.from_config({"SECRET_KEY": "k"})
    assert box.encrypt("") is None and box.decrypt(None) is None


def test_another_key_cannot_decrypt():
    token = CredentialBox.from_config({"SECRET_KEY": "k"}).encrypt("s3cret")
    other = CredentialBox.from_config({"CREDENTIALS_KEY": Fernet.generate_key().decode(),
                                       "SECRET_KEY": "k"})
    with pytest.raises(ValueError, match="CAMREG_CREDENTIALS_KEY"):
        other.decrypt(token)
