"""Render several report documents side by side, on as many cores as the settings allow.

A draft outcome pack is one PDF per case, each independent of the others. WeasyPrint is pure Python
and holds the GIL, so threads would not help; worker processes do. The requesting process renders
too (it would otherwise sit idle): the workers take documents from the front of the list, the
requester takes the ones no worker has started yet from the back, so nothing waits for a worker that
is still starting and a slow worker never holds the pack up.

Workers are started on first use with the "spawn" method: a fresh interpreter, so no database
connection, lock or request state is inherited. Each sets Django up (for the static-file finders the
fetcher uses) and is kept for later packs; it only turns HTML into PDF with the same static-only
fetcher, and never touches the database. `PDF_RENDER_PROCESSES` (default: the number of cores, at most
4) counts the requester, so 1 renders everything in the requesting process and starts nothing.
"""

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from cases.reports.pdf import render_pdf

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def _start_worker(settings_module: str, parent: int) -> None:
    """Initialise a worker process: Django's settings and apps, WeasyPrint imported once.

    A worker must not outlive the process that started it: a server killed without its exit handlers
    (SIGKILL, or SIGTERM to runserver) would otherwise leave it waiting for work forever.
    """
    threading.Thread(target=_exit_with, args=(parent,), name="exit-with-parent", daemon=True).start()
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()


def _exit_with(parent: int) -> None:
    """End this worker once PARENT has gone (the worker is then adopted by another process)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _render_in_worker(html: str) -> bytes:
    return render_pdf(html)


def _workers(count: int) -> ProcessPoolExecutor:
    """Return the shared pool of COUNT worker processes, started now if there is none."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != count:  # the size changes only when settings do (tests)
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings"), os.getpid()),
            )
            _pool_size = count
        return _pool


def _discard(pool: ProcessPoolExecutor | None) -> None:
    """Forget POOL after a worker died, so the next call starts a fresh one."""
    global _pool
    if pool is None:
        return
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the worker processes (tests; a server stops them when it exits)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def render_pdfs(documents: Iterable[str]) -> list[bytes]:
    """Render each HTML document of DOCUMENTS to PDF; the results come back in the same order.

    DOCUMENTS may be a generator: each document goes to the workers as soon as it is built, so they render
    the first while the requester is still building the others.
    """
    extra = settings.PDF_RENDER_PROCESSES - 1
    if extra < 1:
        return [render_pdf(html) for html in documents]
    pool = _workers(extra)
    htmls: list[str] = []
    futures: list[Future | None] = []
    for html in documents:
        htmls.append(html)
        try:
            futures.append(pool.submit(_render_in_worker, html) if pool is not None else None)
        except (BrokenProcessPool, RuntimeError):  # a worker died earlier, or the pool was shut down
            _discard(pool)
            pool = None
            futures.append(None)
    results: list[bytes | None] = [None] * len(htmls)
    # From the back: every document no worker has started is rendered here.
    for index in reversed(range(len(htmls))):
        future = futures[index]
        if future is None or future.cancel():
            results[index] = render_pdf(htmls[index])
    for index, future in enumerate(futures):
        if results[index] is None:
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): render what it had here, start afresh next time.
                logger.warning("a PDF worker process stopped; rendering in the requesting process")
                _discard(pool)
                results[index] = render_pdf(htmls[index])
    return results
