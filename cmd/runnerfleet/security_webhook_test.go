package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestSecurityWebhookOversizedBody: a body over the limit is refused with 413 and triggers
// nothing, even when what fits under the limit is a valid push to the followed branch; a push
// just under the limit is still accepted.
func TestSecurityWebhookOversizedBody(t *testing.T) {
	d, logs := testDaemon(t, nil)
	h := d.routes()
	pad := func(n int) string {
		return `{"object_kind":"push","ref":"refs/heads/main","pad":"` + strings.Repeat("a", n) + `"}`
	}
	if code := post(t, h, "hook-SECRET-token", pad(maxHookBody+1)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", code)
	}
	select {
	case <-d.trigger:
		t.Error("an oversized body triggered a reconcile")
	default:
	}
	if code := post(t, h, "hook-SECRET-token", pad(maxHookBody-200)); code != http.StatusAccepted {
		t.Errorf("body under the limit: status %d, want 202", code)
	}
	if !strings.Contains(logs.String(), "body too large") || strings.Contains(logs.String(), "aaaa") {
		t.Errorf("logs:\n%.500s", logs)
	}
}
