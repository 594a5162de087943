"""Run by test_import_resume: the real `partage import transactions` program, which the test
kills with SIGKILL half-way through.

Usage: python kill_import.py DATABASE_URL ADMIN_EMAIL -- ARGS…  (the arguments after
`partage import transactions`). With KILL_IMPORT_IN_PROCESS=1 in its environment, the rows
are checked in the second process whatever the file's size.
"""

from __future__ import annotations

import os
import sys

from partage.app import main
from partage.services import transaction_import

if __name__ == "__main__":
    url, email, separator, *args = sys.argv[1:]
    assert separator == "--"
    os.environ["PARTAGE_DATABASE_URL"] = url
    os.environ["PARTAGE_AS"] = email
    os.environ.setdefault("PARTAGE_SECRET_KEY", "kill-import-test")
    if os.environ.get("KILL_IMPORT_IN_PROCESS") == "1":
        transaction_import.PROCESS_FROM_BYTES = 0
    sys.argv = ["partage", "import", "transactions", *args]
    main()
