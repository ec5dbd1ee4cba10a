"""The ``miro`` command line: cluster localization files, score labels, train models.

::

    miro cluster locs.csv --model model_scenario_8.pt --out labels.csv
    miro cluster locs.csv --dbscan-only --eps 50 --min-samples 4 --out dbscan.csv
    miro evaluate labels.csv ground_truth.csv
    miro train fov_32.csv fov_48.csv fov_28.csv --out my_model.pt

Modules: :mod:`~miro.cli.parser` (the parser and :func:`main`), one module
per subcommand (:mod:`~miro.cli.cluster`, :mod:`~miro.cli.evaluate`,
:mod:`~miro.cli.train`, :mod:`~miro.cli.compare_runs`), :mod:`~miro.cli.models`
(the released models' settings) and :mod:`~miro.cli._common` (what the
subcommands share).

Every length is in nm. :func:`main` returns the exit status (0 success,
2 bad input or usage); a bad file or value prints one line
``miro: error: ...`` on stderr, never a traceback.
"""

from miro.cli import cluster, models, parser
from miro.cli.cluster import *  # noqa: F403
from miro.cli.models import *  # noqa: F403
from miro.cli.parser import *  # noqa: F403

__all__ = [
    *cluster.__all__,
    *models.__all__,
    *parser.__all__,
]
