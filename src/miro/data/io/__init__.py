"""Localization files: reading them in nm, FOV numbers, label files.

Modules: :mod:`~miro.data.io.localizations` (:func:`read_localizations`, any
format), :mod:`~miro.data.io.csv_formats` and :mod:`~miro.data.io.picasso`
(the readers per format), :mod:`~miro.data.io.units` (units and the unit
check), :mod:`~miro.data.io.fovs` (FOV numbers and folders) and
:mod:`~miro.data.io.output` (CSV and label files).

A localization table is a :class:`pandas.DataFrame` with columns ``x`` and ``y``
(nm) and, when ground truth is known, ``index`` (integer cluster label,
0 = not clustered), as in the Nieves et al. (2023) benchmark files
(``"x","y","index"``). Files of the benchmark are numbered by the trailing
integer of their name (``diffden_DetectionList7.csv`` and
``highden_MoleculeList_7.csv`` are both field of view 7).

:func:`read_localizations` reads the files SMLM software writes and always
returns ``x``, ``y`` in nm:

========================  ===============================================  =================================
format                    how it is recognised                             coordinates
========================  ===============================================  =================================
``"csv"`` (plain)         columns ``x``, ``y`` (optional ``index``)         nm (or ``unit="um"``/``"px"``)
``"thunderstorm"``        columns ``x [unit]``, ``y [unit]``                 unit from the header: nm, µm/um, px
``"smap"``                columns ``xnm``, ``ynm`` (SMAP ``_sml.csv``)      nm
``"picasso"``             HDF5 file with a ``/locs`` table                  camera pixels × ``Pixelsize`` (nm)
========================  ===============================================  =================================

CSV files may be comma-, tab- or semicolon-separated (guessed from the
header line). Every other column is kept unchanged (name and unit), e.g.
``frame``, ``uncertainty [nm]``, ``uncertainty_xy [nm]``, ``lpx`` (Picasso,
still in pixels).

**Unit check.** A field of more than :data:`UNIT_CHECK_MIN_POINTS` (100)
localizations whose x and y extents are both below
:data:`UNIT_CHECK_MAX_EXTENT_NM` (50 nm) is almost certainly not in nm (a
40 µm field written in µm spans "40 nm"); :func:`read_localizations` then
raises :class:`~miro.errors.MiroInputError` instead of clustering nonsense.
So does a file of any size whose localizations span less than
:data:`UNIT_CHECK_SMALL_EXTENT_NM` (5 nm, below localization precision: 80
localizations of a 2 µm field in µm), or lie all at one position. Pass ``check_units=False`` (command line: ``--no-unit-check``) for data
that really are that small. Pixel coordinates (a 256-pixel camera spans
"256 nm") cannot be told from a small nm field this way; they are caught
only where the file says so (ThunderSTORM ``[px]``, Picasso).
"""

from miro.data.io import fovs, localizations, output, picasso, units
from miro.data.io.fovs import *  # noqa: F403
from miro.data.io.localizations import *  # noqa: F403
from miro.data.io.output import *  # noqa: F403
from miro.data.io.picasso import *  # noqa: F403
from miro.data.io.units import *  # noqa: F403

__all__ = [
    *fovs.__all__,
    *localizations.__all__,
    *output.__all__,
    *picasso.__all__,
    *units.__all__,
]
