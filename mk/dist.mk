# Agent downloads, included by the top-level Makefile (after mk/agent.mk).
#   make agent-packages  .deb and .rpm of the agent for linux amd64 and arm64 in bin/agents/
#   make agent-dist   the agent for every platform the server offers, in bin/agents/ as
#                     certinel-agent-<os>-<arch>[.exe], and bin/agents/SHA256SUMS over every
#                     file there (packages dropped in the directory included). make build runs it;
#                     bin/certinel-server serves the directory (CERTINEL_AGENT_DOWNLOADS_DIR).
# A binary is rebuilt only when the agent's sources or the version changed.

AGENT_DIST_DIR     := $(BIN)/agents
AGENT_DIST_FILES   := $(foreach p,$(AGENT_PLATFORMS),$(AGENT_DIST_DIR)/certinel-agent-$(subst /,-,$(p))$(if $(filter windows/%,$(p)),.exe))
AGENT_DIST_SOURCES := $(shell find agent/cmd/certinel-agent agent/internal shared -name '*.go' ! -name '*_test.go' 2>/dev/null) \
                      agent/go.mod agent/go.sum shared/go.mod go.work
AGENT_DIST_STAMP   := $(BIN)/.agent-dist-version
SHA256SUM          := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

.PHONY: agent-dist FORCE

agent-dist: $(AGENT_DIST_DIR)/SHA256SUMS

# The stamp changes only when the version does, so a new commit rebuilds.
$(AGENT_DIST_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(AGENT_VERSION)' | cmp -s - $@ || echo '$(AGENT_VERSION)' > $@

$(AGENT_DIST_DIR)/certinel-agent-%: $(AGENT_DIST_SOURCES) $(AGENT_DIST_STAMP)
	@mkdir -p $(@D)
	@p='$*'; p=$${p%.exe}; os=$${p%-*}; arch=$${p#*-}; echo "$@ ($(AGENT_VERSION))"; \
		GOOS=$$os GOARCH=$$arch $(AGENT_BUILD) -o $@.tmp ./agent/cmd/certinel-agent && mv $@.tmp $@

# .deb and .rpm of the current Linux binaries, beside them (so the server offers them too),
# then the sums again.
agent-packages: $(AGENT_DIST_DIR)/certinel-agent-linux-amd64 $(AGENT_DIST_DIR)/certinel-agent-linux-arm64
	@rm -f $(AGENT_DIST_DIR)/*.deb $(AGENT_DIST_DIR)/*.rpm # those of an older version
	@set -e; for arch in $(AGENT_PKG_ARCHS); do \
		($(AGENT_PACKAGING) && go run . -binary $(CURDIR)/$(AGENT_DIST_DIR)/certinel-agent-linux-$$arch -arch $$arch \
			-version "$(AGENT_VERSION)" -out $(CURDIR)/$(AGENT_DIST_DIR)); \
	done
	@$(MAKE) --no-print-directory $(AGENT_DIST_DIR)/SHA256SUMS

# Always rewritten: packages may have been added beside the binaries.
$(AGENT_DIST_DIR)/SHA256SUMS: $(AGENT_DIST_FILES) FORCE
	@cd $(AGENT_DIST_DIR) && rm -f SHA256SUMS.tmp && \
		$(SHA256SUM) $$(find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort) > SHA256SUMS.tmp && \
		mv SHA256SUMS.tmp SHA256SUMS
	@echo "$@ ($$(wc -l < $@) files)"
