from django.core.management.base import BaseCommand

from lien.accounts.models import Role
from lien.web.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo organisations (idempotent; only with LIEN_DEMO=1)."

    def handle(self, *args, **options):
        users = load_demo()
        labels = dict(Role.choices)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for demo in users:
            roles = ", ".join(str(labels[r]) for r in demo.roles)
            self.stdout.write(f"  {demo.email:<34} {roles}")
