"""Sign-in for staff: Django's views, with Tanjai's lockout rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.services import LockedOut, sign_in
from tanjai.core.api import client_address


class LockoutAuthenticationForm(AuthenticationForm):
    """The same rules as the API's token endpoint: 5 failures for a username from one
    address, or 20 from one address, in 15 minutes, lock sign-in for 15 minutes."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
        "locked": _("Too many failed sign-ins. Try again in 15 minutes."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            address = client_address(self.request) if self.request else None
            try:
                user = sign_in(username=username, password=password, address=address)
            except LockedOut:
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            if user is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
            self.confirm_login_allowed(user)
            self.user_cache = user
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = True
