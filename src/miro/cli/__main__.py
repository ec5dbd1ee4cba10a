"""``python -m miro.cli``: the ``miro`` command."""

import sys

from miro.cli import main

__all__: list[str] = []

sys.exit(main())
