from django.core.management.base import BaseCommand
from django.db import transaction

from lien.core.fields import encrypted_fields


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
            last_pk = None
            count = 0
            while True:
                rows = manager.order_by("pk").only("pk", name).exclude(**{f"{name}__isnull": True})
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows[:batch_size])
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
