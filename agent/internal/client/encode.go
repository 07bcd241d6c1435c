package client

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"

	"certinel.dev/shared/wire"
)

// EncodeResults turns a batch into the gzip-compressed JSON body of
// POST /api/v1/agent/results; the spool stores exactly these bytes.
func EncodeResults(req wire.ResultsRequest) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(req); err != nil {
		return nil, fmt.Errorf("client: encode batch %s: %w", req.BatchID, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("client: compress batch %s: %w", req.BatchID, err)
	}
	return buf.Bytes(), nil
}
