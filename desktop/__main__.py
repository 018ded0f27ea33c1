"""``python -m desktop`` is the ``liangheng`` command (and PyInstaller's entry script)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
