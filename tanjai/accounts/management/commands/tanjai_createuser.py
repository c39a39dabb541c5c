from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tanjai.accounts.roles import Role
from tanjai.accounts.services import ScopeError, user_create


class Command(BaseCommand):
    help = (
        "Create (or update) a staff account with a role and an organisational scope; "
        "the password must pass the password policy, and setting it ends the API tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--scope", required=True, help="org, region:N or branch:CODE")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                scope=options["scope"],
                password=options["password"],
                email=options["email"],
            )
        except ValidationError as exc:  # the password policy
            raise CommandError("password: " + " ".join(exc.messages)) from exc
        except (ScopeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{user.username}: {options['role']} @ {options['scope']}")
