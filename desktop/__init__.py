"""量衡 Liangheng: the application (command line, SQLite store and Qt GUI).

Only ``desktop.ui`` imports PySide6; everything else runs headless.
"""

__version__ = "0.1.0"
APP_NAME = "liangheng"
APP_DISPLAY_NAME = "量衡"
