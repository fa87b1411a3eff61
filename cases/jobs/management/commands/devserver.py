"""`manage.py devserver [ADDR:PORT]`: Django's development server and a task worker, as one command.

`make run` uses it, so that draft PDFs are made on a developer's machine as in production (by
`manage.py db_worker`, from the database queue). Both reload when the code changes. Ctrl+C (the terminal
sends SIGINT to every process of the command) or SIGTERM stops both; if either ends, the other is
stopped too; and on Linux the kernel stops each of them if this process dies without a word (SIGKILL),
so nothing is left running behind the terminal.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent ends
STOP_WAIT_SECONDS = 15


def ends_with(parent: int):
    """Return a pre-exec hook asking Linux to send SIGTERM to the child when PARENT ends (elsewhere: nothing)."""

    def hook() -> None:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the parent ended before the request was made
                os._exit(1)

    return hook


class Command(BaseCommand):
    help = "Run the development server and a task worker (manage.py db_worker) together; Ctrl+C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        commands = {
            "server": [*manage, "runserver", addrport],
            "task worker": [*manage, "db_worker", "--reload"],
        }
        # SIGTERM ends this command as Ctrl+C does: through the finally below.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        hook = ends_with(os.getpid())
        # Our own interpreter and manage.py, with fixed arguments (the address is runserver's to check).
        children = {name: subprocess.Popen(command, preexec_fn=hook) for name, command in commands.items()}  # noqa: S603
        try:
            while True:
                ended = [name for name, child in children.items() if child.poll() is not None]
                if ended:
                    self.stderr.write(f"The {ended[0]} stopped; stopping the rest.")
                    return
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop(children.values())

    @staticmethod
    def stop(children) -> None:
        """Ask every child still running to stop, and make sure it has within STOP_WAIT_SECONDS."""
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
