"""The ``modelarts-tui`` command line: the app (default), ``--demo``, and the headless commands.

    entry     main(): parse, dispatch, every failure -> one line and an exit code
    exits     the exit codes, one meaning each (Exit), and UsageError
    parser    the argparse tree, built from the Command values in COMMANDS
    command   Command: one subcommand as data (name, arguments, typed options, handler)
    options   the typed options of each command (frozen dataclasses)
    scope     which profiles, and the InstanceService the TUI uses too
    targets   full id, short id or name -> one row; ambiguity lists the candidates
    render    an instance as JSON, a list row, the show view (text from tui.service.present)
    output    stdout/stderr/JSON; control characters in server text made visible
    run_list, run_show, run_act (start, stop, prolong), run_wait (--wait), run_config
    app       opens the Textual app (the only place ``tui.ui`` is imported, lazily)

No module here imports Textual at import time.
"""

from tui.cli.entry import main
from tui.cli.parser import build_parser

__all__ = ["build_parser", "main"]
