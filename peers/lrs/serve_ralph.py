"""Serve Ralph's LRS API (ralph.api:app) under uvicorn, run by Ralph's own interpreter (peers/.venv-ralph).

One fix to Ralph 5.1.0's file-system backend: it writes every POST with the "create" operation,
which refuses a file that already exists, so the second POST /xAPI/statements answers 500 ("fs_lrs.jsonl
already exists and overwrite is not allowed"). Appending is what a statement store needs, and the
backend supports it; the class default is changed before the app creates its backend.

Usage: python serve_ralph.py HOST PORT   (settings come from RALPH_* variables, see peers/launch.py)
"""
import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402  (after the fix, so the app's backend is created with it)

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="info")
