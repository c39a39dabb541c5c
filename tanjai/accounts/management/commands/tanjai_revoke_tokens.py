from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tanjai.accounts.services import tokens_revoke


class Command(BaseCommand):
    help = "Revoke every API token of a staff account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        revoked = tokens_revoke(user=user)
        self.stdout.write(f"{user.username}: {revoked} API tokens revoked")
