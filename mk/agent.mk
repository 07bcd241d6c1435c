# Agent targets, included by the top-level Makefile.
#   make agent        static, stripped bin/certinel-agent for this machine
#   make agent-all    the same for linux/darwin/windows × amd64/arm64
#   make agent-packages  .deb and .rpm of the agent for linux amd64 and arm64 (mk/dist.mk)
#   make test-agent   the agent's tests with -race (as root with dpkg, one installs and purges the
#                     .deb for real), then a short fuzz of the env-file parser; test-agent-go is
#                     the tests alone, for `make test`, whose fuzz target fuzzes every package
#   make bench-agent  throughput ratio, peak/idle RSS and size against the goals
#   make bench-discovery  sweep time and peak RSS of `once` over a loopback /24 × 11 ports

AGENT_VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
AGENT_LDFLAGS := -s -w -X main.version=$(AGENT_VERSION)
AGENT_BUILD   := CGO_ENABLED=0 go build -trimpath -ldflags "$(AGENT_LDFLAGS)"
# A count, not a duration: see the fuzz target in the top-level Makefile.
AGENT_FUZZTIME ?= 100000x
AGENT_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: agent agent-all agent-packages test-agent test-agent-go bench-agent bench-discovery

agent:
	$(AGENT_BUILD) -o bin/certinel-agent ./agent/cmd/certinel-agent

agent-all:
	@set -e; for p in $(AGENT_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "bin/certinel-agent-$$os-$$arch$$ext"; \
		GOOS=$$os GOARCH=$$arch $(AGENT_BUILD) -o bin/certinel-agent-$$os-$$arch$$ext ./agent/cmd/certinel-agent; \
	done

# agent/packaging is a module of its own, outside go.work, so that nfpm stays out of
# the agent's dependencies; hence GOWORK=off. Its tests run without -race: nothing in them
# runs concurrently, and a race build of nfpm only makes them slow.
AGENT_PACKAGING := cd agent/packaging && export GOWORK=off
AGENT_PKG_ARCHS := amd64 arm64

test-agent-go:
	cd agent && go test -race -count=1 ./...
	$(AGENT_PACKAGING) && go vet ./... && go test -count=1 -timeout 10m ./...

test-agent: test-agent-go
	cd agent && go test -run '^$$' -fuzz '^FuzzParseEnvFile$$' -fuzztime $(AGENT_FUZZTIME) ./internal/config

bench-agent: agent
	go run ./agent/cmd/agent-bench -agent bin/certinel-agent

DISCOVERY_RATE ?= 1000
bench-discovery: agent
	go run ./agent/cmd/discovery-bench -agent bin/certinel-agent -rate $(DISCOVERY_RATE)
