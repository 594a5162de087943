"""Run by test_import_resume: the real `partage import transactions` program, which the test
kills with SIGKILL half-way through.

Usage: python kill_import.py DATABASE_URL ADMIN_EMAIL -- ARGS…  (the arguments after
`partage import transactions`)
"""

from __future__ import annotations

import os
import sys

from partage.app import main

if __name__ == "__main__":
    url, email, separator, *args = sys.argv[1:]
    assert separator == "--"
    os.environ["PARTAGE_DATABASE_URL"] = url
    os.environ["PARTAGE_AS"] = email
    os.environ.setdefault("PARTAGE_SECRET_KEY", "kill-import-test")
    sys.argv = ["partage", "import", "transactions", *args]
    main()
