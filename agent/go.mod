module certinel.dev/agent

go 1.26.8

require certinel.dev/shared v0.0.0

require (
	github.com/go-co-op/gocron/v2 v2.21.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jonboulle/clockwork v0.5.0 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	github.com/sourcegraph/conc v0.3.0 // indirect
	golang.org/x/net v0.62.0 // indirect
)

replace certinel.dev/shared => ../shared
