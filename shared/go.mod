module certinel.dev/shared

go 1.26.8
