module certinel.dev/shared

go 1.26.8

require golang.org/x/net v0.62.0

require (
	github.com/sourcegraph/conc v0.3.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
