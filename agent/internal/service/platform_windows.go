package service

// DefaultEnvFile is where `service install` expects the env file.
const DefaultEnvFile = `C:\ProgramData\Certinel\agent.env`

func newPlatform(o Options) (Manager, error) { return scm{o}, nil }
