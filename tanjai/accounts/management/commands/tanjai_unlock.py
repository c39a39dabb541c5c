from django.core.management.base import BaseCommand

from tanjai.accounts.services import sign_in_unlock


class Command(BaseCommand):
    help = "Unlock a username locked out by failed sign-ins (from every address)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        cleared = sign_in_unlock(username=options["username"])
        self.stdout.write(f"{options['username']}: unlocked ({cleared} failed sign-ins cleared)")
