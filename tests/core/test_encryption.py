import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models

from lien.core import crypto
from lien.core.fields import EncryptedTextField


class SecretNote(models.Model):
    """A table made for these tests only."""

    text = EncryptedTextField(blank=True, null=True)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"note {self.pk}"


@pytest.fixture
def note_table(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(SecretNote)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(SecretNote)


def raw_text(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM core_secretnote WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_a_token_and_the_code_reads_plain_text(note_table):
    note = SecretNote.objects.create(text="Suivi psychiatrique au CHU Brugmann")
    assert "Brugmann" not in raw_text(note.pk)
    assert raw_text(note.pk).startswith(crypto.TOKEN_PREFIX)
    assert SecretNote.objects.get(pk=note.pk).text == "Suivi psychiatrique au CHU Brugmann"


def test_the_same_text_twice_gives_two_different_tokens(note_table):
    a = SecretNote.objects.create(text="même texte")
    b = SecretNote.objects.create(text="même texte")
    assert raw_text(a.pk) != raw_text(b.pk)


def test_empty_and_missing_values_stay_as_they_are(note_table):
    empty = SecretNote.objects.create(text="")
    missing = SecretNote.objects.create(text=None)
    assert SecretNote.objects.get(pk=empty.pk).text == ""
    assert SecretNote.objects.get(pk=missing.pk).text is None
    assert SecretNote.objects.filter(text__isnull=True).count() == 1


def test_only_emptiness_can_be_asked_of_the_database(note_table):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(SecretNote.objects.filter(text__icontains="psy"))


def test_rotation_re_encrypts_every_value_with_the_new_key(note_table, settings):
    old_key = settings.LIEN_ENCRYPTION_KEYS[0]
    notes = [SecretNote.objects.create(text=f"note {i}") for i in range(7)]
    new_key = Fernet.generate_key().decode()
    settings.LIEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys", batch_size=3)
    settings.LIEN_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything still reads
    assert [SecretNote.objects.get(pk=n.pk).text for n in notes] == [f"note {i}" for i in range(7)]


def test_a_value_without_its_key_fails_loudly(note_table, settings):
    note = SecretNote.objects.create(text="secret")
    settings.LIEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        SecretNote.objects.get(pk=note.pk)


def test_the_blind_index_matches_exact_values_whatever_the_formatting():
    assert crypto.blind_index("85.07.30-033.28") == crypto.blind_index("85073003328")
    assert crypto.blind_index("85073003328") != crypto.blind_index("85073003329")


def test_the_blind_index_depends_on_the_key(settings):
    first = crypto.blind_index("85073003328")
    settings.LIEN_BLIND_INDEX_KEY = "another key entirely, 32 chars!!"
    assert crypto.blind_index("85073003328") != first


def test_missing_keys_are_a_configuration_error(settings, tmp_path):
    settings.LIEN_ENCRYPTION_KEYS = []
    settings.LIEN_BLIND_INDEX_KEY = ""
    settings.LIEN_KEYS_FILE = str(tmp_path / "absent.json")
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_keys_come_from_the_key_file_when_the_environment_has_none(settings, tmp_path):
    path = tmp_path / "keys.json"
    assert crypto.write_key_file(path) is True
    assert crypto.write_key_file(path) is False  # never overwrites existing keys
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    settings.LIEN_ENCRYPTION_KEYS = []
    settings.LIEN_BLIND_INDEX_KEY = ""
    settings.LIEN_KEYS_FILE = str(path)
    assert crypto.decrypt(crypto.encrypt("bonjour")) == "bonjour"
