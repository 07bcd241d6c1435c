package httpapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Bounds of one results batch. maxResultsJSON bounds the JSON as decoded,
// after any gzip, so a gzip bomb answers 413 like an oversized plain body.
// The agent sends 500 results per batch, a few MiB even with long RSA
// chains; the largest batch allowed, 10,000 results of three-certificate
// ECDSA chains, is 17 MiB. The bound is also what each batch in flight may
// hold in memory, twice over while it is decoded (see ingestGate).
const (
	maxResultsJSON  = 24 << 20
	maxBatchResults = 10_000
	maxBatchIDLen   = 128
	targetTimeoutMS = 10_000
)

func (h *handler) agentTargets(c echo.Context) error {
	a := agentOf(c).Agent
	ctx := c.Request().Context()
	if err := h.store.TouchAgent(ctx, a.OrganizationID, a.ID, agentVersion(c.Request()), c.RealIP()); err != nil {
		return err
	}
	if err := h.recordParked(c, a); err != nil {
		return err
	}
	domains, err := h.store.AgentTargets(ctx, a.OrganizationID, a.ID)
	if err != nil {
		return err
	}
	jobs, err := h.store.AgentDiscoveryJobs(ctx, a.OrganizationID, a.ID)
	if err != nil {
		return err
	}
	resp := wire.TargetsResponse{
		Agent:           wire.AgentInfo{ID: a.ID, Name: a.Name},
		IntervalSeconds: a.IntervalSeconds,
		Targets:         make([]wire.Target, len(domains)),
		Discovery:       make([]wire.DiscoveryJob, len(jobs)),
	}
	for i, d := range domains {
		resp.Targets[i] = wire.Target{ID: d.ID, Host: d.Host, Port: d.Port, Protocol: d.Protocol, SNI: d.SNI, TimeoutMS: targetTimeoutMS}
	}
	for i, j := range jobs {
		resp.Discovery[i] = wire.DiscoveryJob{ID: j.ID, Hosts: j.Hosts, Ports: j.Ports, IntervalSeconds: j.IntervalSeconds, RatePerSecond: j.RatePerSecond}
	}
	if resp.RevocationFetches, err = h.revocationFetches(c, a); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// recordParked stores the agent's report of the result batches it set aside.
// An agent from before parking sends none, and what is stored stays.
func (h *handler) recordParked(c echo.Context, a store.Agent) error {
	p, ok := wire.ParkedFromHeader(c.Request().Header)
	if !ok {
		return nil
	}
	var oldest *time.Time
	if !p.Oldest.IsZero() {
		oldest = &p.Oldest
	}
	return h.store.SetAgentParked(c.Request().Context(), a.OrganizationID, a.ID, p.Batches, oldest)
}

func (h *handler) agentResults(c echo.Context) error {
	if err := h.ingestGate.enter(c.Request().Context()); err != nil {
		return err
	}
	defer h.ingestGate.leave()
	var req wire.ResultsRequest
	if err := decodeAgentJSON(c, maxResultsJSON, &req); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.BatchID) == "":
		return badRequest("batch_id", "batch_id is required")
	case len(req.BatchID) > maxBatchIDLen:
		return badRequest("batch_id", "batch_id must be at most %d characters", maxBatchIDLen)
	case !safetext.Storable(req.BatchID):
		return badText("batch_id")
	case len(req.Results) == 0:
		return badRequest("results", "results must hold at least one result")
	case len(req.Results) > maxBatchResults:
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Field: "results",
			Message: "at most 10000 results per batch"}
	}
	resp, err := h.ingester.IngestAgent(c.Request().Context(), agentOf(c).Agent, req)
	if errors.Is(err, store.ErrDuplicateBatch) {
		return c.JSON(http.StatusConflict, duplicateBatchJSON{
			Error:           errorDetail{Code: "duplicate_batch", Message: "this batch_id was already received; nothing was stored again", Field: "batch_id"},
			ResultsResponse: resp,
		})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// decodeAgentJSON decodes an agent's JSON body, gzip-compressed or not, of
// at most limit bytes once decompressed.
func decodeAgentJSON(c echo.Context, limit int64, v any) error {
	body := io.Reader(http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	switch enc := strings.ToLower(c.Request().Header.Get(echo.HeaderContentEncoding)); enc {
	case "", "identity":
	case "gzip":
		zr, err := gunzip(body)
		if err != nil {
			return badRequest("", "body is not valid gzip")
		}
		defer gzipReaders.Put(zr)
		body = &limitedReader{r: zr, n: limit, limit: limit}
	default:
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Content-Encoding must be gzip or none"}
	}
	if err := checkJSONType(c); err != nil {
		return err
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBody {
			bodyBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(body); err != nil {
		return jsonError(err)
	}
	if err := jsonv2.Unmarshal(buf.Bytes(), v, agentBodyOptions); err != nil {
		return jsonError(err)
	}
	return nil
}

// gzipReaders keeps the readers of gzip bodies from batch to batch: each
// holds a decompressor's tables and window, some 40 KB.
var gzipReaders sync.Pool

// gunzip reads body through a reader from gzipReaders, which the caller
// puts back when done with it.
func gunzip(body io.Reader) (*gzip.Reader, error) {
	if zr, ok := gzipReaders.Get().(*gzip.Reader); ok {
		if err := zr.Reset(body); err != nil {
			gzipReaders.Put(zr)
			return nil, err
		}
		return zr, nil
	}
	return gzip.NewReader(body)
}

// Agent bodies are read whole, into buffers kept from batch to batch, up
// to the size of a usual batch: the decoder's own buffer grows from small
// to the whole body at each request.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 4 << 20

// agentBodyOptions decode with encoding/json's rules (jsonv1's options),
// refusing unknown fields, with the implementation that becomes
// encoding/json/v2. With the pooled buffer, a batch of 100 results decodes
// in a quarter of encoding/json's time, with a quarter of its memory
// (BenchmarkDecodeAgentResults).
var agentBodyOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true))

// duplicateBatchJSON answers a replayed batch: an error for humans, and the
// first outcome so that an agent can drop the batch from its spool.
type duplicateBatchJSON struct {
	Error errorDetail `json:"error"`
	wire.ResultsResponse
}

// limitedReader fails with http.MaxBytesError past n bytes, so a gzip bomb
// answers 413 like an oversized plain body.
type limitedReader struct {
	r        io.Reader
	n, limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, &http.MaxBytesError{Limit: l.limit}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
