package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// apiError is an error with its HTTP answer; handlers return it, the error
// handler writes it.
type apiError struct {
	Status     int
	Code       string
	Message    string
	Field      string
	Details    []fieldError
	RetryAfter time.Duration
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// fieldError names one bad value of a request.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func badRequest(field, format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: msg, Field: field}
}

// invalid reports every bad field at once; the first one leads.
func invalid(errs []fieldError) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "validation_failed",
		Message: errs[0].Field + ": " + errs[0].Message, Field: errs[0].Field, Details: errs}
}

var (
	errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "missing or invalid credentials"}
	errForbidden    = &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: "these credentials may not do this"}
	errNotFound     = &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	errCSRF         = &apiError{Status: http.StatusForbidden, Code: "csrf_failed", Message: "missing or invalid X-CSRF-Token header"}
	errTooLarge     = &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "request body too large"}
)

func conflict(msg string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Field   string       `json:"field,omitempty"`
	Details []fieldError `json:"details,omitempty"`
}

// errorHandler is Echo's single error exit: it maps errors to statuses,
// logs unexpected ones once, and never sends internal text to clients.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := toAPIError(err)
		if e.Status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		if e.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
		}
		body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Details: e.Details}}
		_ = c.JSON(e.Status, body)
	}
}

func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return errTooLarge
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	case errors.Is(err, store.ErrConflict):
		return conflict("an object with these values already exists")
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return errNotFound
		case http.StatusMethodNotAllowed:
			return &apiError{Status: he.Code, Code: "method_not_allowed", Message: "method not allowed"}
		case http.StatusRequestEntityTooLarge:
			return errTooLarge
		case http.StatusUnsupportedMediaType:
			return &apiError{Status: he.Code, Code: "unsupported_media_type", Message: "send application/json"}
		}
		if he.Code < 500 {
			return &apiError{Status: he.Code, Code: "bad_request", Message: http.StatusText(he.Code)}
		}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}
