//go:build !linux && !darwin && !windows

package service

// DefaultEnvFile is where `service install` expects the env file.
const DefaultEnvFile = "/etc/certinel/agent.env"

func newPlatform(Options) (Manager, error) { return nil, ErrUnsupported }
