from django.core.management.base import BaseCommand

from lien.accounts.models import Organisation
from lien.outreach.vocabulary import seed_vocabulary


class Command(BaseCommand):
    help = "Give every organisation the street-work themes it lacks (idempotent)."

    def handle(self, *args, **options):
        for organisation in Organisation.objects.order_by("pk"):
            added = seed_vocabulary(organisation=organisation)
            self.stdout.write(f"{organisation.name}: {added} theme(s) added")
