package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"certinel.dev/shared/wire"
)

// maxChannelBody bounds a poll's answer: a hundred commands of up to a few
// hundred target IDs each.
const maxChannelBody = 4 << 20

// Poll holds the control channel open: one request that the server answers
// once it has commands or after wait. It is tried once; the caller's loop
// backs off. retryAfter is the server's Retry-After (zero when none), as
// when it holds as many channels as it may.
func (c *Client) Poll(ctx context.Context, req wire.ChannelRequest, wait time.Duration) (resp wire.ChannelResponse, retryAfter time.Duration, err error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(req); err != nil {
		return resp, 0, fmt.Errorf("client: encode poll: %w", err)
	}
	if err := zw.Close(); err != nil {
		return resp, 0, fmt.Errorf("client: compress poll: %w", err)
	}
	path := "api/v1/agent/channel?wait=" + strconv.Itoa(int(wait/time.Second))
	after, err := c.attempt(ctx, http.MethodPost, path, nil, buf.Bytes(), &resp, maxChannelBody)
	if err != nil {
		return wire.ChannelResponse{}, max(after, 0), fmt.Errorf("client: poll: %w", err)
	}
	return resp, 0, nil
}
