"""Exceptions raised for bad user input.

Every error the library raises for a bad file or a bad value is a
:class:`MiroInputError` whose message is one line naming the file (or the
argument), the problem and the fix. The command line and the workflow scripts
print that line alone, never a traceback.
"""

__all__ = ["MiroInputError"]


class MiroInputError(ValueError):
    """A file or value given to MIRO cannot be used; the message says why and what to do."""
