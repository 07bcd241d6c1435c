# Scale harness, included by the top-level Makefile.
#   make bench-scale          the server at customer scale, on the real binary: PostgreSQL with one
#                             organization of SCALE_DOMAINS domains, then SCALE_ORGS organizations of
#                             SCALE_ORG_DOMAINS, then SQLite with SCALE_SQLITE_DOMAINS; prints each
#                             run's figures as markdown tables (measured, never asserted)
#   make bench-scale-million  PostgreSQL, one organization of SCALE_MILLION domains
# SCALE_FLAGS passes more flags to every run (go run ./server/cmd/scale-bench -h lists them).

SCALE_DOMAINS        ?= 100000
SCALE_ORGS           ?= 10000
SCALE_ORG_DOMAINS    ?= 100
SCALE_SQLITE_DOMAINS ?= 10000
SCALE_MILLION        ?= 1000000
SCALE_FLAGS          ?=
SCALE_BENCH          := go run ./server/cmd/scale-bench -server $(BIN)/certinel-server $(SCALE_FLAGS)

.PHONY: bench-scale bench-scale-million

bench-scale: ui server
	scripts/with-postgres.sh sh -c '\
		$(SCALE_BENCH) -dialect postgres -domains $(SCALE_DOMAINS) && \
		$(SCALE_BENCH) -dialect postgres -orgs $(SCALE_ORGS) -domains $(SCALE_ORG_DOMAINS) && \
		$(SCALE_BENCH) -dialect sqlite -domains $(SCALE_SQLITE_DOMAINS)'

bench-scale-million: ui server
	scripts/with-postgres.sh $(SCALE_BENCH) -dialect postgres -domains $(SCALE_MILLION)
