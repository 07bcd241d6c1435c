package httpapi

import (
	"fmt"
	"slices"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// maxRoutes bounds a rule's channels.
const maxRoutes = 20

// route is one channel of a rule and which of its events the channel gets;
// see store.Route.
type route struct {
	ChannelID   string   `json:"channel_id"`
	MinSeverity string   `json:"min_severity"`
	Tags        []string `json:"tags"`
}

func toRoutesJSON(list []store.Route) []route {
	out := make([]route, len(list))
	for i, rt := range list {
		out[i] = route{ChannelID: rt.ChannelID, MinSeverity: rt.MinSeverity, Tags: nonNil(rt.Tags)}
	}
	return out
}

// toRoutes validates a rule's routes: each channel once, a known severity
// (info when left out), tags spelled as domain tags are.
func toRoutes(in []route) ([]store.Route, []fieldError) {
	var errs []fieldError
	if len(in) > maxRoutes {
		return nil, []fieldError{{"routes", fmt.Sprintf("at most %d channels", maxRoutes)}}
	}
	out := make([]store.Route, 0, len(in))
	for i, rt := range in {
		at := fmt.Sprintf("routes[%d]", i)
		id := strings.TrimSpace(rt.ChannelID)
		switch {
		case id == "":
			errs = append(errs, fieldError{at + ".channel_id", "is required"})
		case slices.ContainsFunc(out, func(o store.Route) bool { return o.ChannelID == id }):
			errs = append(errs, fieldError{at + ".channel_id", "names a channel another route has; give each channel one route"})
		}
		sev := notify.SeverityInfo
		if rt.MinSeverity != "" {
			var ok bool
			if sev, ok = notify.ParseSeverity(rt.MinSeverity); !ok {
				errs = append(errs, fieldError{at + ".min_severity", "must be info, warning or critical"})
			}
		}
		tags, tagErr := normalizeTags(&rt.Tags)
		if tagErr != nil {
			errs = append(errs, fieldError{at + ".tags", tagErr.Message})
		}
		out = append(out, store.Route{ChannelID: id, MinSeverity: string(sev), Tags: nonNil(tags)})
	}
	return out, errs
}
