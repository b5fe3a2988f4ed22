# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := advocacy
# The local secret key lives in instance/ (never in git); production sets SECRET_KEY itself.
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail point where `make run` serves (PORT=5102 -> :5102) unless PUBLIC_URL is set.
PUBLIC_URL ?= http://$(HOST):$(PORT)
FLASK := SECRET_KEY="$${SECRET_KEY:-$$(cat instance/secret_key)}" PUBLIC_URL="$(PUBLIC_URL)" $(BIN)/flask

# Re-read the interface strings after changing templates: `make messages`, then translate nl.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o advocacy/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i advocacy/translations/messages.pot -d advocacy/translations

.PHONY: messages run test lint install translations db demo serve bench scan e2e load clean lock dist deploy-test

install: $(VENV)/.installed translations

# Installs exactly the lock (requirements/*.txt, hashes checked), then the app itself without
# resolving anything more; `make lock` refreshes the lock (README, "Reproducible installs").
$(VENV)/.installed: setup.cfg pyproject.toml requirements/test.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	$(BIN)/pip install --quiet --no-deps -e . >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	touch $@

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d advocacy/translations 2>&1 | grep -v '^compiling' || true
	@test -f advocacy/translations/nl/LC_MESSAGES/messages.mo

instance/secret_key:
	mkdir -p instance
	$(PY) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

instance/demo_password:
	mkdir -p instance
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(9))' > $@
	chmod 600 $@

db: install instance/secret_key
	$(FLASK) db upgrade

demo: db instance/demo_password
	$(FLASK) content sync
	$(FLASK) demo --initial-password "$$(cat instance/demo_password)"

# The worker (background jobs and their scheduler, on the SQLite queue in instance/) runs beside
# the web server; Ctrl-C stops both (the trap ends the worker however the server stops).
run: demo
	@echo "Serving on http://$(HOST):$(PORT) with a background worker  (Ctrl-C stops both)"
	@$(FLASK) worker --workers 2 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install lint
	$(BIN)/python -m pytest -m "not e2e and not deploy" $(PYTEST_ARGS)

# A release: the wheel, built from a clean export of the committed HEAD (never the working tree),
# and the runtime lock beside it as requirements.txt; README, "Deploying".
DIST ?= dist
DIST_PYTHON ?= $(BIN)/python
dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	tree=$$(mktemp -d) && git archive HEAD | tar -x -C $$tree && \
	  $(DIST_PYTHON) -m pip wheel --quiet --no-deps --wheel-dir $(DIST) $$tree && \
	  cp $$tree/requirements/runtime.txt $(DIST)/requirements.txt && rm -rf $$tree
	@ls $(DIST)

# The README's deploy steps from a fresh wheel on a fresh PostgreSQL database, then backup and
# restore (tests/deploy; about two minutes).
deploy-test: install
	$(BIN)/python -m pytest tests/deploy -m deploy $(PYTEST_ARGS)

# Style (ruff), types (mypy) and the floors (import-linter): the rule sets and why are in ruff.toml,
# setup.cfg [mypy] and .importlinter.
lint: $(VENV)/.installed
	$(BIN)/ruff check advocacy
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Browser tests: Playwright driving Debian's Chromium (never `playwright install`); README, "Browser tests".
e2e: $(VENV)/.installed-e2e translations
	@test -x /usr/bin/chromium || (echo "installing Debian's chromium" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	$(BIN)/python -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

$(VENV)/.installed-e2e: $(VENV)/.installed requirements/e2e.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/e2e.txt > $(VENV)/pip-e2e.log 2>&1 || (cat $(VENV)/pip-e2e.log; exit 1)
	touch $@

# Requests/s and latency of key pages beside a bare Flask page (a few minutes); README, "Bench".
bench: install
	@command -v wrk >/dev/null || (echo "installing wrk" && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Simulated employees against gunicorn on PostgreSQL, optionally with a restart (LOAD_ARGS="--restart
# kill"), then the database is reconciled with what was acknowledged; README, "Load and faults".
load: install
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# wapiti3, in its own virtual environment, attacks a local server as an employee and as marketing
# (about 10 minutes; not in .ci/run); README, "Attacks".
scan: install .venv-scan/.installed
	$(BIN)/python -m scan.run $(SCAN_ARGS)

.venv-scan/.installed:
	test -x .venv-scan/bin/python || $(PY) -m venv .venv-scan
	.venv-scan/bin/pip install --quiet 'wapiti3==3.2.3' > .venv-scan/pip.log 2>&1 || (cat .venv-scan/pip.log; exit 1)
	touch $@

clean:
	rm -rf $(VENV) *.egg-info

# Real protocol peers for the tests (OpenID provider, SAML IdP, LRS, SCIM checker; SMTP runs in the
# test process): peers/README.md. Idempotent (stamp files); says what it skipped and why. Tests of
# a peer that is not installed skip, or fail under PEERS_REQUIRED=1.
.PHONY: peers
PEER_NODE_DIRS := peers/oidc peers/saml

peers: $(VENV)/.installed-peers peers/.venv-ralph/.installed $(PEER_NODE_DIRS:%=%/node_modules/.installed)
	@command -v xmlsec1 >/dev/null && echo "xmlsec1: present" || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && echo "installing Debian's xmlsec1" && \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 libxmlsec1-dev >/dev/null; } || \
		echo "skipped xmlsec1: not root or no apt-get (only pysaml2 needs the binary)"
	@echo "peers ready: see peers/README.md"

$(VENV)/.installed-peers: $(VENV)/.installed requirements/peers.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/peers.txt > $(VENV)/pip-peers.log 2>&1 || (cat $(VENV)/pip-peers.log; exit 1)
	touch $@

# npm ci installs exactly the committed lock; without Node.js 20+ the folder is skipped, not failed.
peers/%/node_modules/.installed: peers/%/package.json peers/%/package-lock.json
	@if ! command -v npm >/dev/null || ! command -v node >/dev/null; then \
		echo "skipped peers/$*: node or npm is not installed (its tests will skip)"; \
	elif ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then \
		echo "skipped peers/$*: node $$(node --version) is older than 20 (its tests will skip)"; \
	else \
		echo "npm ci in peers/$*"; \
		(cd peers/$* && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	fi

# Ralph lives in its own virtualenv so its pins never meet the app's; refresh: python3 peers/lock_ralph.py.
peers/.venv-ralph/.installed: peers/ralph-requirements.txt
	test -x peers/.venv-ralph/bin/python || $(PY) -m venv peers/.venv-ralph
	peers/.venv-ralph/bin/pip install --quiet --require-hashes --no-deps -r peers/ralph-requirements.txt \
		> peers/.venv-ralph/pip.log 2>&1 || (cat peers/.venv-ralph/pip.log; exit 1)
	touch $@

# The lock: exact versions with hashes for runtime, test, e2e and peers (pip-compile from setup.cfg
# and requirements/runtime.in). It keeps the pins it has and adds what setup.cfg newly needs;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed, `LOCK_ARGS="-P sqlalchemy"`
# one package. Then `make install` (or rm .venv/.installed) and run the tests before committing it.
LOCK_OPTS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	--no-emit-trusted-host $(LOCK_ARGS)
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile $(LOCK_OPTS)
LOCK_IN := setup.cfg requirements/runtime.in

lock: .venv-lock/.installed
	$(PIP_COMPILE) -o requirements/runtime.txt $(LOCK_IN)
	$(PIP_COMPILE) --extra test -o requirements/test.txt $(LOCK_IN)
	$(PIP_COMPILE) --extra test --extra e2e -o requirements/e2e.txt $(LOCK_IN)
	$(PIP_COMPILE) --extra test --extra peers -o requirements/peers.txt $(LOCK_IN)

.venv-lock/.installed:
	test -x .venv-lock/bin/python || $(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet 'pip-tools==7.7.0' > .venv-lock/pip.log 2>&1 || (cat .venv-lock/pip.log; exit 1)
	touch $@
