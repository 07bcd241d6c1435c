# Certinel: `make run` builds everything and starts the server on the
# embedded SQLite database; `make test` runs every test.

GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
WEBDIST  := server/internal/webui/dist
FUZZTIME ?= 100000x

.PHONY: run build server ui test test-go test-frontend fuzz bench vet fmt clean

run: build
	CERTINEL_DATA_DIR=$${CERTINEL_DATA_DIR:-./data} ./$(BIN)/certinel-server

build: ui server $(if $(wildcard mk/agent.mk),agent $(if $(wildcard mk/dist.mk),agent-dist))

server:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/certinel-server ./server/cmd/certinel-server

# npm ci wipes node_modules and installs it anew: it runs when the lock file
# changed since the last install (npm writes node_modules/.package-lock.json),
# not once in every target that needs the packages.
FRONTEND_DEPS := $(if $(wildcard frontend/package.json),frontend/node_modules/.package-lock.json)

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

# The dashboard is built into the server binary when frontend/ has one.
ui: $(FRONTEND_DEPS)
	@if [ -f frontend/package.json ]; then \
		cd frontend && npm run build && cd .. && \
		rm -rf $(WEBDIST) && mkdir -p $(WEBDIST) && cp -r frontend/dist/. $(WEBDIST)/ && touch $(WEBDIST)/.gitkeep; \
	fi

test:
	scripts/with-postgres.sh $(MAKE) --no-print-directory vet test-go fuzz test-frontend $(if $(wildcard mk/frontend.mk),test-frontend-e2e)

# The agent also runs on Windows and macOS: its service code is vetted there too.
vet:
	$(GO) vet ./shared/... ./server/... ./agent/...
	GOOS=windows $(GO) vet ./agent/...
	GOOS=darwin $(GO) vet ./agent/...

# Store tests run once per database (see storetest.DialectsEnv): on
# PostgreSQL with every other test under the race detector, then on SQLite
# without it, in the packages whose tests open a store.
test-go:
	CERTINEL_TEST_DIALECTS=postgres $(GO) test -race -count=1 -timeout 20m ./shared/... ./server/...
	CERTINEL_TEST_DIALECTS=sqlite $(GO) test -count=1 -timeout 20m $$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./server/... | awk '{for (i = 2; i <= NF; i++) if ($$i ~ /internal\/store\/storetest$$/) {print $$1; break}}')
	$(if $(wildcard mk/agent.mk),$(MAKE) --no-print-directory test-agent-go,$(GO) test -race -count=1 ./agent/...)

# The dashboard's type check and lint run with its unit tests, so `make test` fails on either.
test-frontend: $(FRONTEND_DEPS)
	@if [ -f frontend/package.json ]; then cd frontend && npm run check && npm test; fi

# A short, seeded run of every fuzz target. The budget is a count of executions,
# not a duration: a duration races Go's fuzz coordinator at its deadline
# (go.dev/issue/75804, unfixed in Go 1.26) and fails with no crasher.
fuzz:
	@for pkg in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' ./shared/... ./server/... ./agent/...); do \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$pkg/*_test.go 2>/dev/null | sed 's/^func //'); do \
			echo "fuzz $$f ($$pkg)"; \
			(cd $$pkg && $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) .) || exit 1; \
		done; \
	done

# Server benchmarks (ingest into PostgreSQL).
bench:
	scripts/with-postgres.sh $(GO) test -run '^$$' -bench . -benchtime 3x -benchmem ./server/...

fmt:
	gofmt -w shared server agent

clean:
	rm -rf $(BIN) build

-include mk/*.mk
