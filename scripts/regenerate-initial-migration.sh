#!/usr/bin/env bash
# While nothing is deployed, the schema is one initial migration, rebuilt from the models.
# Once a database in production has run it, add migrations with `flask db migrate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
DATABASE_URL="sqlite:///$tmp/empty.sqlite3" SECRET_KEY=x FLASK_APP=advocacy .venv/bin/flask db migrate -m "initial schema" >/dev/null
rm -rf "$tmp"
ls migrations/versions/
