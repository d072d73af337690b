"""Domain errors that service functions raise; the web layer turns them into JSON 4xx answers."""

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(
        self, message: str, *, field: str | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details  # several problems, e.g. one per spreadsheet cell


class InvalidInput(DomainError):
    status_code = 422


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403
