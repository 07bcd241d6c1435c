# Dashboard targets, included by the top-level Makefile.
#   make lint-frontend        TypeScript strict check and ESLint (features never import each other);
#                             `make test` runs the same check in test-frontend
#   make e2e                  browser end-to-end run: builds the dashboard and the server, then drives
#                             Debian's Chromium against it on SQLite and, with TEST_DATABASE_URL, PostgreSQL;
#                             screenshots land in build/screenshots/
#   make test-frontend-e2e    the same, for `make test` (Chromium is installed with apt when missing)

CHROMIUM ?= /usr/bin/chromium

.PHONY: lint-frontend e2e test-frontend-e2e chromium

lint-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run check

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing Debian's chromium for the e2e run"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

e2e: chromium $(FRONTEND_DEPS)
	cd frontend && CHROMIUM_PATH=$(CHROMIUM) ../scripts/with-postgres.sh npm run e2e

test-frontend-e2e: e2e
