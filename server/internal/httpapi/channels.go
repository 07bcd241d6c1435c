package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

type channelRequest struct {
	Type   optional[string]          `json:"type"`
	Name   optional[string]          `json:"name"`
	Config optional[json.RawMessage] `json:"config"`
	Digest optional[bool]            `json:"digest"`
}

type channelJSON struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	HasSecret bool            `json:"has_secret"`
	Digest    bool            `json:"digest"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func (h *handler) toChannelJSON(ch store.Channel) channelJSON {
	cfg, hasSecret := redact(ch.Config, h.secretFields(ch.Type))
	return channelJSON{ID: ch.ID, Type: ch.Type, Name: ch.Name, Config: cfg, HasSecret: hasSecret, Digest: ch.Digest,
		CreatedAt: ch.CreatedAt, UpdatedAt: ch.UpdatedAt}
}

// secretFields are the config fields of a channel type never sent back to clients, as
// its provider describes them. A type this server no longer offers shows no config at
// all (nil means every field is withheld), since nothing says which fields are safe.
func (h *handler) secretFields(typ string) []string {
	p, ok := h.channels.Provider(typ)
	if !ok {
		return nil
	}
	return append([]string{}, p.Describe().Secrets()...) // not nil, even with no secrets
}

// redact removes secrets from a config for display; secrets nil removes every field.
func redact(raw string, secrets []string) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil || secrets == nil {
		return json.RawMessage("{}"), false
	}
	has := false
	for _, k := range secrets {
		if v, ok := m[k]; ok {
			has = has || (string(v) != `""` && string(v) != "null")
			delete(m, k)
		}
	}
	out, _ := json.Marshal(m)
	return out, has
}

// keepSecrets copies secrets from the stored config into an edited one
// that leaves them out, so editing a URL does not drop its secret.
func keepSecrets(old string, edited json.RawMessage, secrets []string) json.RawMessage {
	var prev, next map[string]json.RawMessage
	if json.Unmarshal([]byte(old), &prev) != nil || json.Unmarshal(edited, &next) != nil {
		return edited
	}
	for _, k := range secrets {
		if _, given := next[k]; !given {
			if v, ok := prev[k]; ok {
				next[k] = v
			}
		}
	}
	out, err := json.Marshal(next)
	if err != nil {
		return edited
	}
	return out
}

// applyChannel validates the request onto ch, collecting field errors.
func (h *handler) applyChannel(ctx context.Context, req channelRequest, ch *store.Channel, create bool) []fieldError {
	var errs []fieldError
	if create {
		typ := ""
		if req.Type.Value != nil {
			typ = *req.Type.Value
		}
		if _, ok := h.channels.Provider(typ); !ok {
			errs = append(errs, fieldError{"type", "must be one of " + strings.Join(h.channels.Types(), ", ") + "; got " + quote(typ)})
		}
		ch.Type = typ
	} else if req.Type.Set && (req.Type.Value == nil || *req.Type.Value != ch.Type) {
		errs = append(errs, fieldError{"type", "cannot be changed; create a new channel"})
	}
	if req.Name.Set || create {
		name := ""
		if req.Name.Value != nil {
			name = strings.TrimSpace(*req.Name.Value)
		}
		if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
			errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
		}
		ch.Name = name
	}
	if req.Digest.Set && req.Digest.Value != nil {
		ch.Digest = *req.Digest.Value
	}
	if req.Config.Set || create {
		p, ok := h.channels.Provider(ch.Type)
		switch {
		case req.Config.Value == nil:
			errs = append(errs, fieldError{"config", "is required"})
		case ok:
			raw := *req.Config.Value
			if !create {
				raw = keepSecrets(ch.Config, raw, p.Describe().Secrets())
			}
			cfg, err := p.Validate(ctx, raw)
			if err != nil {
				errs = append(errs, fieldError{"config", err.Error()})
			} else {
				ch.Config = string(cfg)
			}
		}
	}
	return errs
}

func (h *handler) createChannel(c echo.Context) error {
	var req channelRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var ch store.Channel
	if errs := h.applyChannel(c.Request().Context(), req, &ch, true); len(errs) > 0 {
		return invalid(errs)
	}
	ch, err := h.store.CreateChannel(c.Request().Context(), principalOf(c).OrgID, ch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, h.toChannelJSON(ch))
}

func (h *handler) updateChannel(c echo.Context) error {
	var req channelRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	ch, err := h.store.GetChannel(ctx, orgID, c.Param("id"))
	if err != nil {
		return err
	}
	if errs := h.applyChannel(ctx, req, &ch, false); len(errs) > 0 {
		return invalid(errs)
	}
	if ch, err = h.store.UpdateChannel(ctx, orgID, ch); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toChannelJSON(ch))
}

func (h *handler) listChannels(c echo.Context) error {
	list, err := h.store.ListChannels(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(list, h.toChannelJSON)))
}

func (h *handler) getChannel(c echo.Context) error {
	ch, err := h.store.GetChannel(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toChannelJSON(ch))
}

func (h *handler) deleteChannel(c echo.Context) error {
	if err := h.store.DeleteChannel(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// testTimeout bounds a test send so the request answers in time.
const testTimeout = 20 * time.Second

// testChannel sends a real test message now and reports the outcome.
func (h *handler) testChannel(c echo.Context) error {
	ctx := c.Request().Context()
	p := principalOf(c)
	ch, err := h.store.GetChannel(ctx, p.OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	org, err := h.store.Organization(ctx, p.OrgID)
	if err != nil {
		return err
	}
	ev := notify.Event{ID: store.NewID(), Type: notify.TypeTest, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
		Detail: "This is a test message from Certinel: the channel works.", OccurredAt: h.store.Now()}
	sendCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	start := time.Now()
	err = h.channels.Test(sendCtx, notify.Channel{ID: ch.ID, Name: ch.Name, Type: ch.Type, OrganizationID: ch.OrganizationID, Config: json.RawMessage(ch.Config)},
		notify.Message{Events: []notify.Event{ev}})
	out := map[string]any{"ok": err == nil, "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		// The failure is about the customer's own destination; saying what
		// went wrong (refused, 550, timeout) is the point of the test.
		out["error"] = err.Error()
		out["permanent"] = notify.IsPermanent(err)
	}
	return c.JSON(http.StatusOK, out)
}

// listChannelTypes describes the channel types this server offers, for the dashboard's
// channel form: their fields, which are secret, and whether the caller's organization
// can deliver to them now (email: through its own SMTP relay or the server's).
func (h *handler) listChannelTypes(c echo.Context) error {
	list, err := h.channels.DescriptionsFor(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(list))
}
