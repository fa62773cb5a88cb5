"""One error family for everything a user can fix.

Every failure the user can act on is a `PublishError` that knows where it happened
(file and line) and, when we can tell, what to do about it. The CLI prints it as one
line; nothing else in the package prints.
"""

from __future__ import annotations


class PublishError(Exception):
    """A problem with an input, an option or the output folder that the user can fix."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def located(self, path: str | None = None, line: int | None = None) -> PublishError:
        """Return the same error with a place filled in where it had none."""
        placed = type(self)(
            self.message,
            path=self.path or path,
            line=self.line if self.line is not None else line,
            hint=self.hint,
        )
        placed.__cause__ = self.__cause__
        return placed.with_traceback(self.__traceback__)

    def __str__(self) -> str:
        place = ""
        if self.path:
            place = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{place}{self.message}{hint}"


class InputError(PublishError):
    """The article file itself is wrong: encoding, structure, dates."""


class EditionError(InputError):
    """One edition cannot be made of this article (its PDF: a script no shipped font has),
    while its other editions can: they are written, and the build fails (exit 1)."""


class OptionsError(PublishError):
    """A command-line option, configuration value or template is wrong."""


class OutputError(PublishError):
    """The output folder cannot be written safely."""


class ResourceError(PublishError):
    """The machine lacks what the work needs (a worker killed for memory): not a bug."""


class InternalError(PublishError):
    """A bug in publish itself, not something the user did: reported with its own exit code."""
