"""Shared start-up of the workflow scripts: log to the rule's log file, and turn
bad input into one line in the log instead of a traceback."""

import logging
import sys

from miro.errors import MiroInputError


def run(main, smk):
    """Call ``main(smk)`` with stderr and logging sent to the rule's log."""
    sys.stderr = open(smk.log[0], "w", buffering=1)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        main(smk)
    except MiroInputError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
