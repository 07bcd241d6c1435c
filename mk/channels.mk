# Control channel harness, included by the top-level Makefile.
#   make bench-channels   CHANNEL_AGENTS agents hold their control channel open on one server
#                         (SQLite, loopback): the server's memory per held channel and how long a
#                         command takes from the API call to the agent (measured, never asserted)

CHANNEL_AGENTS ?= 1000

.PHONY: bench-channels

bench-channels: server
	go run ./server/cmd/channel-bench -server $(BIN)/certinel-server -agents $(CHANNEL_AGENTS)
