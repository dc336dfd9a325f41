from django.db import models

from lien.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet, AES-128-CBC + HMAC); read back as plain text.

    The database only ever sees the token, so it cannot be searched or ordered: pair it with a
    blind index field when exact look-ups are needed.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        # Tokens are salted: only "is it empty?" can be asked of the database.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored encrypted (a Fernet token); read back as the original bytes.

    Meant for file contents: keep it in a table of its own, so that listing the records it
    belongs to never loads (nor decrypts) the bytes.
    """

    description = "Binary content encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt_bytes(bytes(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt_bytes(bytes(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedBinaryField)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) pair holding encrypted values, for key rotation."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ENCRYPTED_FIELD_TYPES)
    ]
