package client

import (
	"context"
	"fmt"
	"net/http"

	"certinel.dev/shared/wire"
)

// maxTokenBody bounds the answer carrying a new token.
const maxTokenBody = 4 << 10

// NextToken asks the server for a next agent token. The current one keeps
// working until a request carries the new one, so the caller keeps the new
// token before it switches to it (SetAgentToken).
func (c *Client) NextToken(ctx context.Context) (string, error) {
	var out wire.TokenResponse
	if err := c.do(ctx, http.MethodPost, wire.TokenPath, nil, nil, &out, maxTokenBody); err != nil {
		return "", fmt.Errorf("client: next token: %w", err)
	}
	if out.Token == "" {
		return "", fmt.Errorf("client: next token: the server answered none")
	}
	return out.Token, nil
}
