package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadDiscovery(t *testing.T) {
	c, err := Load(lookupFrom(required()), "", nil)
	if err != nil || c.DiscoveryConcurrency != 100 || c.DiscoveryConnectTimeout != time.Second {
		t.Fatalf("defaults: %d %s %v", c.DiscoveryConcurrency, c.DiscoveryConnectTimeout, err)
	}
	c, err = Load(lookupFrom(with("CERTINEL_DISCOVERY_CONCURRENCY", "20", "CERTINEL_DISCOVERY_CONNECT_TIMEOUT", "300ms")), "", nil)
	if err != nil || c.DiscoveryConcurrency != 20 || c.DiscoveryConnectTimeout != 300*time.Millisecond {
		t.Fatalf("set: %d %s %v", c.DiscoveryConcurrency, c.DiscoveryConnectTimeout, err)
	}
	for key, bad := range map[string]string{"CERTINEL_DISCOVERY_CONCURRENCY": "0", "CERTINEL_DISCOVERY_CONNECT_TIMEOUT": "2m"} {
		if _, err := Load(lookupFrom(with(key, bad)), "", nil); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: error %v, want one naming the variable", key, bad, err)
		}
	}
}
