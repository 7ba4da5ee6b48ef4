package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestErrorsCarryTheProblemOrTheProxyText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/listings/missing":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"Not Found","status":404,"detail":"listing not found","code":"not_found"}`))
		case "/api/v1/me":
			if r.Header.Get("Authorization") != "Bearer tm_secret" || r.Header.Get("Accept-Language") != "en" {
				t.Errorf("headers %v", r.Header)
			}
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("upstream down\n"))
		}
	}))
	defer srv.Close()

	c := New(srv.URL+"/api/v1/", "tm_secret")
	if c.BaseURL() != srv.URL {
		t.Fatalf("base URL %q, want %q", c.BaseURL(), srv.URL)
	}
	c.Lang = "en"
	_, err := c.Listing(context.Background(), "missing")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Problem.Code != "not_found" || apiErr.Problem.Detail != "listing not found" {
		t.Fatalf("problem not carried: %#v", err)
	}
	_, err = c.Me(context.Background())
	if StatusCode(err) != http.StatusBadGateway || !errors.As(err, &apiErr) || apiErr.Problem.Detail != "upstream down" {
		t.Fatalf("plain-text error: %#v", err)
	}
	if StatusCode(errors.New("network down")) != 0 {
		t.Fatal("StatusCode of a non-API error must be 0")
	}
}
