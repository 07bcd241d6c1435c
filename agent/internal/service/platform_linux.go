package service

// DefaultEnvFile is where `service install` expects the env file.
const DefaultEnvFile = "/etc/certinel/agent.env"

func newPlatform(o Options) (Manager, error) { return systemd{o}, nil }
