"""CLI logging: at most one line per problem on the console, the full detail (tracebacks) in a log file.

The log file is `$XDG_STATE_HOME/claimwatch/claimwatch.log` (`~/.local/state/...` by default), outside the
working directory, so read commands create nothing where they run; it is opened on the first record only.
`--verbose` shows INFO records and tracebacks on the console as well.

Prefect installs its own console handler on the root logger when it is imported; `install()` runs again after
that import and puts these handlers back in its place.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from io import TextIOWrapper
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_claimwatch_handler"
# Loggers whose records are detail for the log file: the command itself reports their failures in one line.
QUIET_ON_CONSOLE = ("prefect", "uvicorn", "fastapi", "httpx", "httpcore", "distributed", "asyncio")

_state: dict[str, bool] = {"verbose": False}


def log_file_path() -> Path:
    """Where the CLI writes its log: $XDG_STATE_HOME/claimwatch/claimwatch.log."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "claimwatch" / "claimwatch.log"


class OneLineFormatter(logging.Formatter):
    """`LEVEL: first line of the message`, never a traceback or a stack."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record's first message line only."""
        text = record.getMessage().strip().splitlines()
        return f"{record.levelname.lower()}: {text[0] if text else ''}"


class _QuietLibraries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(QUIET_ON_CONSOLE)


class _LazyFileHandler(logging.FileHandler):
    """A file handler that creates its folder and file only when the first record arrives."""

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """Drop the record quietly: a log file that cannot be written must not print tracebacks itself."""


def _handlers(verbose: bool) -> list[logging.Handler]:
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    if verbose:
        console.setFormatter(logging.Formatter(FORMAT))
    else:
        console.setFormatter(OneLineFormatter())
        console.addFilter(_QuietLibraries())
    logfile = _LazyFileHandler(log_file_path(), delay=True, encoding="utf-8")
    logfile.setLevel(logging.INFO if verbose else logging.WARNING)
    logfile.setFormatter(logging.Formatter(FORMAT))
    for h in (console, logfile):
        setattr(h, _MARK, True)
    return [console, logfile]


def _is_console(handler: logging.Handler) -> bool:
    """A handler writing to the terminal (Prefect's or basicConfig's); capture handlers (pytest) are left alone."""
    if isinstance(handler, logging.FileHandler) or not isinstance(handler, logging.StreamHandler):
        return False
    return type(handler).__name__.startswith("Prefect") or handler.stream in (
        sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)


def install(verbose: bool | None = None) -> None:
    """Route every console handler (ours, Prefect's) through the one-line console handler and the log file."""
    if verbose is None:
        verbose = _state["verbose"]
    _state["verbose"] = verbose
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, _MARK, False) or _is_console(h)]:
        root.removeHandler(h)
    ours = _handlers(verbose)
    for h in ours:
        root.addHandler(h)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for name in list(logging.Logger.manager.loggerDict):
        logger = logging.getLogger(name)
        consoles = [h for h in logger.handlers if _is_console(h) and not getattr(h, _MARK, False)]
        for h in consoles:
            logger.removeHandler(h)
        if consoles and not logger.propagate:
            for h in ours:
                logger.addHandler(h)


def record_failure(exc: BaseException, command: str) -> Path:
    """Write a failure's traceback to the log file (and to the console with --verbose); return the file."""
    path = log_file_path()
    handler = _LazyFileHandler(path, delay=True, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    record = logging.LogRecord("claimwatch.cli", logging.ERROR, __file__, 0, "claimwatch %s failed: %s",
                               (command, exc), (type(exc), exc, exc.__traceback__))
    try:
        handler.handle(record)  # an unwritable state folder is dropped quietly (handleError)
    finally:
        handler.close()
    if _state["verbose"]:
        traceback.print_exception(exc, file=sys.stderr)
    return path


def verbose() -> bool:
    """True when --verbose was given."""
    return _state["verbose"]
