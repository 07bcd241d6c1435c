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
	body, err := gzipJSON(req)
	if err != nil {
		return nil, fmt.Errorf("client: batch %s: %w", req.BatchID, err)
	}
	return body, nil
}

// gzipJSON is v as gzip-compressed JSON, the body of every push.
func gzipJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	return buf.Bytes(), nil
}
