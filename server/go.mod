module certinel.dev/server

go 1.26.8

require certinel.dev/shared v0.0.0

replace certinel.dev/shared => ../shared
