package ari

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterIsBounded(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"garbage", 0},
		{"21600", 6 * time.Hour},
		{"1", MinRetry},
		{"-5", MinRetry},
		{"99999999999", MaxRetry},
		{now.Add(3 * time.Hour).Format(http.TimeFormat), 3 * time.Hour},
		{now.Add(-time.Hour).Format(http.TimeFormat), MinRetry},
	} {
		if got := retryAfter(tc.header, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestParseRenewalInfo(t *testing.T) {
	for _, tc := range []struct {
		name, body, explanation string
		ok                      bool
	}{
		{"window", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"}}`, "", true},
		{"explained", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"},"explanationURL":"https://ca.example/incident"}`, "https://ca.example/incident", true},
		{"script link dropped", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"},"explanationURL":"javascript:alert(1)"}`, "", true},
		{"no window", `{}`, "", false},
		{"ends before it starts", `{"suggestedWindow":{"start":"2026-12-02T00:00:00Z","end":"2026-12-01T00:00:00Z"}}`, "", false},
		{"not json", `<html>`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := parseRenewalInfo([]byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if info.ExplanationURL != tc.explanation {
				t.Errorf("explanation = %q, want %q", info.ExplanationURL, tc.explanation)
			}
		})
	}
}
