from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lien.core import crypto


class Command(BaseCommand):
    help = "Create the local key file (encryption and blind-index keys) unless it exists."

    def handle(self, *args, **options):
        path = Path(settings.LIEN_KEYS_FILE)
        if crypto.write_key_file(path):
            self.stdout.write(f"Wrote new keys to {path} (keep it out of git and back it up).")
        else:
            self.stdout.write(f"Keys already exist in {path}; nothing changed.")
