package httpapi

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// CSV limits: a spreadsheet's worth, bounded so an import stays one
// transaction of reasonable size.
const (
	maxImportBytes = 4 << 20
	maxImportRows  = 10_000
	exportPageSize = 1000
)

// csvColumns are the import columns; export writes them first, so an
// export imports back unchanged.
var csvColumns = []string{"host", "port", "protocol", "sni", "agent", "tags"}

type rowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// importDomains reads CSV (a text/csv body or a multipart "file"): every
// row is checked first and nothing is written unless all are valid.
// Endpoints that exist already are skipped, so re-importing is harmless.
func (h *handler) importDomains(c echo.Context) error {
	body, err := csvBody(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	agents, err := h.agentNames(c, orgID)
	if err != nil {
		return err
	}
	r := csv.NewReader(body)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return csvError(err)
	}
	cols, err := csvHeader(header)
	if err != nil {
		return err
	}
	var domains []store.Domain
	var errs []rowError
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return csvError(err)
		}
		if len(domains)+len(errs) >= maxImportRows {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "at most 10000 rows per import"}
		}
		d, rowErrs := parseCSVRow(rec, cols, agents)
		for _, e := range rowErrs {
			errs = append(errs, rowError{Row: row, Field: e.Field, Message: e.Message})
		}
		if len(rowErrs) == 0 {
			domains = append(domains, d)
		}
	}
	if len(errs) > 0 {
		return c.JSON(http.StatusBadRequest, map[string]any{
			"error": errorDetail{Code: "validation_failed", Field: errs[0].Field,
				Message: fmt.Sprintf("row %d: %s: %s (nothing was imported)", errs[0].Row, errs[0].Field, errs[0].Message)},
			"rows": errs,
		})
	}
	existing, err := h.store.DomainKeys(ctx, orgID)
	if err != nil {
		return err
	}
	var fresh []store.Domain
	for _, d := range domains {
		if !existing[d.Key()] {
			existing[d.Key()] = true
			fresh = append(fresh, d)
		}
	}
	if len(fresh) > 0 {
		created, err := h.store.CreateDomains(ctx, orgID, fresh)
		if err != nil {
			return domainStoreError(err)
		}
		h.targetsChanged(ctx, orgID, created)
	}
	return c.JSON(http.StatusOK, map[string]int{"created": len(fresh), "skipped": len(domains) - len(fresh)})
}

func csvBody(c echo.Context) (io.Reader, error) {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxImportBytes)
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	switch mt {
	case "text/csv", "text/plain", "":
		return req.Body, nil
	case "multipart/form-data":
		fh, err := c.FormFile("file")
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return nil, errTooLarge
			}
			return nil, badRequest("file", "send the CSV as the form field \"file\"")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("httpapi: open upload: %w", err)
		}
		return f, nil
	}
	return nil, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send text/csv or multipart/form-data"}
}

func csvError(err error) error {
	var maxErr *http.MaxBytesError
	var parseErr *csv.ParseError
	switch {
	case errors.As(err, &maxErr):
		return errTooLarge
	case errors.Is(err, io.EOF):
		return badRequest("", "the CSV is empty: the first line must name the columns (%s)", strings.Join(csvColumns, ","))
	case errors.As(err, &parseErr):
		return badRequest("", "malformed CSV at line %d: %v", parseErr.Line, parseErr.Err)
	}
	return badRequest("", "malformed CSV: %v", err)
}

// csvHeader maps column names to positions; host is required, unknown
// columns are refused so that a typo does not silently drop data.
func csvHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		known := false
		for _, k := range csvColumns {
			known = known || k == name
		}
		if !known {
			return nil, badRequest("", "unknown column %s: the columns are %s", quote(name), strings.Join(csvColumns, ", "))
		}
		cols[name] = i
	}
	if _, ok := cols["host"]; !ok {
		return nil, badRequest("", "the first line must name the columns and include host (%s)", strings.Join(csvColumns, ","))
	}
	return cols, nil
}

// parseCSVRow validates one row with the same rules as POST /domains.
func parseCSVRow(rec []string, cols map[string]int, agents map[string]string) (store.Domain, []fieldError) {
	get := func(name string) (string, bool) {
		i, ok := cols[name]
		if !ok || i >= len(rec) || strings.TrimSpace(rec[i]) == "" {
			return "", false
		}
		return strings.TrimSpace(rec[i]), true
	}
	var req domainRequest
	var errs []fieldError
	if v, ok := get("host"); ok {
		req.Host = optional[string]{Set: true, Value: &v}
	}
	if v, ok := get("protocol"); ok {
		req.Protocol = optional[string]{Set: true, Value: &v}
	}
	if v, ok := get("port"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fieldError{"port", "must be a number, got " + quote(v)})
		} else {
			req.Port = optional[int]{Set: true, Value: &n}
		}
	}
	if v, ok := get("sni"); ok {
		req.SNI = optional[string]{Set: true, Value: &v}
	}
	if v, ok := get("agent"); ok {
		id, found := agents[strings.ToLower(v)]
		if !found {
			errs = append(errs, fieldError{"agent", "no agent named or with the ID " + quote(v)})
		} else {
			req.AgentID = optional[string]{Set: true, Value: &id}
		}
	}
	if v, ok := get("tags"); ok {
		tags := strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' })
		req.Tags = optional[[]string]{Set: true, Value: &tags}
	}
	var d store.Domain
	errs = append(errs, req.apply(&d, true)...)
	return d, errs
}

// agentNames maps lower-case agent names and IDs to IDs. A name shared by
// two agents maps to neither, so a row never lands on the wrong network.
func (h *handler) agentNames(c echo.Context, orgID string) (map[string]string, error) {
	out := map[string]string{}
	dup := map[string]bool{}
	for page := 1; ; page++ {
		list, _, err := h.store.ListAgents(c.Request().Context(), orgID, store.Page{Number: page, PerPage: maxPerPage})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			out[strings.ToLower(a.ID)] = a.ID
			name := strings.ToLower(a.Name)
			if _, seen := out[name]; seen {
				dup[name] = true
			}
			out[name] = a.ID
		}
		if len(list) < maxPerPage {
			break
		}
	}
	for name := range dup {
		delete(out, name)
	}
	return out, nil
}

// exportDomains writes the filtered domain list as CSV, all pages.
func (h *handler) exportDomains(c echo.Context) error {
	f, err := h.domainFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	agentName := map[string]string{}
	list, _, err := h.store.ListAgents(ctx, orgID, store.Page{Number: 1, PerPage: 10_000})
	if err != nil {
		return err
	}
	for _, a := range list {
		agentName[a.ID] = a.Name
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="certinel-domains-`+h.store.Now().Format("2006-01-02")+`.csv"`)
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write(append(csvColumns, "status", "days_left", "not_after", "sha256", "last_checked_at", "last_error"))
	now := h.store.Now()
	// Each page continues after the previous one's last row, so that a large
	// export costs the same per page from the first to the last.
	for {
		items, _, err := h.store.ListDomains(ctx, orgID, f, store.Page{Number: 1, PerPage: exportPageSize})
		if err != nil {
			// Headers are gone; end the body so a client sees a short file.
			h.log.Error("export domains", "err", err)
			return nil
		}
		for _, v := range items {
			agent := ""
			if v.AgentID != nil {
				agent = agentName[*v.AgentID]
			}
			days, notAfter, checked := "", "", ""
			if v.NotAfter != nil {
				days, notAfter = strconv.Itoa(lifecycle.DaysLeft(*v.NotAfter, now)), v.NotAfter.UTC().Format(time.RFC3339)
			}
			if v.CheckedAt != nil {
				checked = v.CheckedAt.UTC().Format(time.RFC3339)
			}
			_ = w.Write([]string{csvSafe(v.Host), strconv.Itoa(v.Port), v.Protocol, csvSafe(v.SNI), csvSafe(agent),
				csvSafe(strings.Join(v.Tags, ";")), string(v.Status), days, notAfter, v.LeafSHA256, checked, csvSafe(v.Error)})
		}
		w.Flush()
		if len(items) < exportPageSize {
			return w.Error()
		}
		f.After = store.DomainCursorAfter(f, items[len(items)-1])
	}
}

// csvSafe defuses formula injection (OWASP's CSV injection advice): a cell
// a spreadsheet would evaluate gets a leading apostrophe. Spreadsheets skip
// leading blanks and line breaks before a formula, so the first character
// that counts is the first one after them; a leading tab or CR is itself a
// trigger.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	rest := strings.TrimLeft(s, " \t\r\n")
	if s[0] == '\t' || s[0] == '\r' || (rest != "" && strings.ContainsRune("=+-@", rune(rest[0]))) {
		return "'" + s
	}
	return s
}
