package notifytest

import "certinel.dev/server/internal/notify"

// Registry registers ps as main does. A duplicate or empty type is a mistake in the
// test itself, so it panics.
func Registry(ps ...notify.Provider) *notify.Registry {
	r, err := notify.NewRegistry(ps...)
	if err != nil {
		panic(err)
	}
	return r
}
