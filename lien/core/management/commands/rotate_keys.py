from django.core.management.base import BaseCommand
from django.db import transaction

from lien.core.fields import EncryptedBinaryField, encrypted_fields

# Encrypted files are up to LIEN_MAX_UPLOAD_BYTES each: re-encrypt them a few at a time.
BINARY_BATCH_SIZE = 10


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the newest key. Put the new key first in "
        "LIEN_ENCRYPTION_KEYS (or the key file), keep the old ones after it, run this, then "
        "remove the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model, name in encrypted_fields():
            manager = model._base_manager
            size = batch_size
            if isinstance(model._meta.get_field(name), EncryptedBinaryField):
                size = min(batch_size, BINARY_BATCH_SIZE)
            last_pk = None
            count = 0
            while True:
                rows = manager.order_by("pk").only("pk", name).exclude(**{f"{name}__isnull": True})
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows[:size])
                if not batch:
                    break
                with transaction.atomic():
                    # Reading decrypts with any known key; writing encrypts with the newest.
                    manager.bulk_update(batch, [name])
                count += len(batch)
                last_pk = batch[-1].pk
            self.stdout.write(f"{model._meta.label}.{name}: {count} values re-encrypted")
            total += count
        self.stdout.write(f"Done: {total} values re-encrypted with the newest key.")
