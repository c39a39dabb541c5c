"""Why the workflow refused, in words a user can act on. The API maps each to a status."""

from __future__ import annotations


class WorkflowError(Exception):
    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(WorkflowError):
    """The action's fields are wrong (400, with errors per field)."""

    status = 400


class NotAllowedInState(WorkflowError):
    """The process does not allow this action in the complaint's state (409)."""

    status = 409


class Conflict(WorkflowError):
    """Someone else changed the complaint since the client last saw it (409)."""

    status = 409


class Forbidden(WorkflowError):
    """The actor's role or scope does not allow it (403)."""

    status = 403


class NotFound(WorkflowError):
    """No such complaint, or one the actor may not know exists (404)."""

    status = 404
