package client

import (
	"context"
	"fmt"
	"net/http"

	"certinel.dev/shared/wire"
)

// PushRevocation sends what the agent fetched for one of the server's
// revocation fetches. Nothing is spooled: the server asks again at the
// next pull when it got nothing.
func (c *Client) PushRevocation(ctx context.Context, push wire.RevocationPush) (wire.RevocationPushResponse, error) {
	body, err := gzipJSON(push)
	if err != nil {
		return wire.RevocationPushResponse{}, fmt.Errorf("client: push revocation %s: %w", push.ID, err)
	}
	var out wire.RevocationPushResponse
	if err := c.do(ctx, http.MethodPost, "api/v1/agent/revocation", nil, body, &out, maxErrorBody); err != nil {
		return wire.RevocationPushResponse{}, fmt.Errorf("client: push revocation %s: %w", push.ID, err)
	}
	return out, nil
}
