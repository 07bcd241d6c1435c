package notify

// ConfigError says which field of a channel's config is wrong and why, so the API can
// answer {"error": {"field": ...}} and the dashboard can point at the input.
type ConfigError struct {
	Field   string // JSON path inside the config: "url", "recipients[2]"
	Message string // for the customer; never contains a secret
}

func (e *ConfigError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}
