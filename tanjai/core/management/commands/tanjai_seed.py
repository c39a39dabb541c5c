from django.core.management.base import BaseCommand

from tanjai.seed import all_seed


class Command(BaseCommand):
    help = "Seed roles, the organisation and reference data (only adds what is missing)."

    def handle(self, *args, **options):
        all_seed()
        self.stdout.write("reference data seeded")
