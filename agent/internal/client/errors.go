package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"certinel.dev/shared/wire"
)

// StatusError is a non-2xx answer of the server.
type StatusError struct {
	Status  int
	Code    string // the server's error.code, when it sent one
	Message string // the server's error.message, when it sent one
	body    []byte // the answer, bounded, for callers that read more of it
}

func (e *StatusError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("server answered %d %s", e.Status, http.StatusText(e.Status))
}

func newStatusError(resp *http.Response) *StatusError {
	serr := &StatusError{Status: resp.StatusCode}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	serr.body = data
	if json.Unmarshal(data, &body) == nil {
		serr.Code, serr.Message = body.Error.Code, body.Error.Message
	}
	return serr
}

// Undeliverable reports whether the server refused a batch for what it is
// (malformed or too large): sending the same bytes again cannot succeed, so
// the batch must leave the spool instead of blocking it. Bad credentials are
// not in this class: they get fixed, and the batch is then delivered.
func Undeliverable(err error) bool {
	var serr *StatusError
	if !errors.As(err, &serr) {
		return false
	}
	return serr.Status == http.StatusBadRequest || serr.Status == http.StatusRequestEntityTooLarge ||
		serr.Status == http.StatusUnprocessableEntity
}

// ServerFailed reports whether the server took a request and failed on it
// (a 5xx) rather than being unavailable: 502, 503 and 504 come from a
// gateway or a server in maintenance and say nothing about the batch, so
// they never count towards parking it.
func ServerFailed(err error) bool {
	var serr *StatusError
	if !errors.As(err, &serr) || serr.Status < 500 {
		return false
	}
	switch serr.Status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return false
	}
	return true
}

// duplicateBatch recognises the server's answer to a batch_id it already
// stored: 409 duplicate_batch, carrying the first outcome. For the agent that
// is a delivery (the push before a crash got through), not a failure.
func duplicateBatch(err error) (wire.ResultsResponse, bool) {
	var serr *StatusError
	if !errors.As(err, &serr) || serr.Status != http.StatusConflict || serr.Code != "duplicate_batch" {
		return wire.ResultsResponse{}, false
	}
	var first wire.ResultsResponse
	json.Unmarshal(serr.body, &first) // the counts are informative only
	return first, true
}
