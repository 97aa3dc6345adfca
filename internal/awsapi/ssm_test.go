package awsapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
)

const (
	tokenName = "/runnerfleet/prod/runner-token"
	secret    = "glrt-SECRET-do-not-print-0123456789"
)

func newSSM(t *testing.T) (*awsfake.Server, *awsapi.SSM) {
	t.Helper()
	fake := awsfake.New(t)
	return fake, awsapi.NewSSMFromConfig(fake.Config())
}

func TestGetParameterReadsTheDecryptedValue(t *testing.T) {
	fake, store := newSSM(t)
	fake.PutParameter(tokenName, secret)

	got, err := store.GetParameter(t.Context(), tokenName)
	if err != nil {
		t.Fatalf("GetParameter: %v", err)
	}
	if got != secret {
		t.Fatalf("value = %q, want the plaintext", got)
	}
	reqs := fake.Requests("GetParameter")
	if len(reqs) != 1 {
		t.Fatalf("%d GetParameter requests, want 1", len(reqs))
	}
	if target := reqs[0].Header.Get("X-Amz-Target"); target != "AmazonSSM.GetParameter" {
		t.Errorf("X-Amz-Target = %q", target)
	}
	var in struct {
		Name           string
		WithDecryption *bool
	}
	if err := json.Unmarshal(reqs[0].Body, &in); err != nil {
		t.Fatalf("request body %s: %v", reqs[0].Body, err)
	}
	if in.Name != tokenName || in.WithDecryption == nil || !*in.WithDecryption {
		t.Errorf("request body = %s, want the name and WithDecryption true", reqs[0].Body)
	}
}

func TestGetParameterNotFound(t *testing.T) {
	fake, store := newSSM(t)

	_, err := store.GetParameter(t.Context(), "/missing")
	if !errors.Is(err, awsapi.ErrParameterNotFound) || errors.Is(err, awsapi.ErrAccessDenied) {
		t.Fatalf("err = %v, want ErrParameterNotFound only", err)
	}
	var notFound *types.ParameterNotFound
	if !errors.As(err, &notFound) {
		t.Errorf("err = %v, want the SDK's *types.ParameterNotFound kept in the chain", err)
	}
	if want := "unable to read SSM parameter /missing: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	if n := fake.Calls("GetParameter"); n != 1 {
		t.Errorf("GetParameter called %d times, want 1 (not retried)", n)
	}
}

func TestGetParameterAccessDenied(t *testing.T) {
	fake, store := newSSM(t)
	fake.PutParameter(tokenName, secret)
	fake.FailNext("GetParameter", "AccessDeniedException", 1)

	_, err := store.GetParameter(t.Context(), tokenName)
	if !errors.Is(err, awsapi.ErrAccessDenied) || errors.Is(err, awsapi.ErrParameterNotFound) {
		t.Fatalf("err = %v, want ErrAccessDenied only", err)
	}
	if n := fake.Calls("GetParameter"); n != 1 {
		t.Errorf("GetParameter called %d times, want 1 (not retried)", n)
	}
}

func TestGetParameterRetries(t *testing.T) {
	for _, tc := range []struct {
		code  string
		fails int
	}{
		{"ThrottlingException", 2},
		{"InternalServerError", 1},
	} {
		t.Run(tc.code, func(t *testing.T) {
			fake, store := newSSM(t)
			fake.PutParameter(tokenName, secret)
			fake.FailNext("GetParameter", tc.code, tc.fails)

			got, err := store.GetParameter(t.Context(), tokenName)
			if err != nil || got != secret {
				t.Fatalf("GetParameter = (value ok %v, %v), want the value after retries", got == secret, err)
			}
			if n := fake.Calls("GetParameter"); n != tc.fails+1 {
				t.Errorf("GetParameter called %d times, want %d", n, tc.fails+1)
			}
		})
	}
}

func TestGetParameterGivesUpAfterMaxAttempts(t *testing.T) {
	fake, store := newSSM(t)
	fake.PutParameter(tokenName, secret)
	fake.FailNext("GetParameter", "ThrottlingException", 10)

	_, err := store.GetParameter(t.Context(), tokenName)
	var throttled *types.ThrottlingException
	if !errors.As(err, &throttled) {
		t.Fatalf("err = %v, want *types.ThrottlingException", err)
	}
	if errors.Is(err, awsapi.ErrParameterNotFound) || errors.Is(err, awsapi.ErrAccessDenied) {
		t.Errorf("err = %v, must match no sentinel", err)
	}
	if n := fake.Calls("GetParameter"); n != 3 {
		t.Errorf("GetParameter called %d times, want 3 (the SDK's default attempts)", n)
	}
}

func TestGetParameterEmptyNameMakesNoCall(t *testing.T) {
	fake, store := newSSM(t)

	if _, err := store.GetParameter(t.Context(), ""); err == nil {
		t.Fatal("GetParameter(\"\") succeeded")
	}
	if n := fake.Calls("GetParameter"); n != 0 {
		t.Errorf("GetParameter called %d times, want 0", n)
	}
}

// Every way of failing, including a response that holds the value but cannot be decoded,
// must produce an error that does not print the value.
func TestErrorsNeverHoldTheValue(t *testing.T) {
	cases := map[string]func(*awsfake.Server){
		"access denied": func(f *awsfake.Server) { f.FailNext("GetParameter", "AccessDeniedException", 1) },
		"throttled":     func(f *awsfake.Server) { f.FailNext("GetParameter", "ThrottlingException", 3) },
		"server error":  func(f *awsfake.Server) { f.FailNext("GetParameter", "InternalServerError", 3) },
		"malformed":     func(f *awsfake.Server) { f.TruncateNext("GetParameter", 3) },
	}
	for name, inject := range cases {
		t.Run(name, func(t *testing.T) {
			fake, store := newSSM(t)
			fake.PutParameter(tokenName, secret)
			inject(fake)

			_, err := store.GetParameter(t.Context(), tokenName)
			if err == nil {
				t.Fatal("GetParameter succeeded, want an error")
			}
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(text, secret) {
					t.Fatalf("error text holds the secret: %s", text)
				}
			}
		})
	}
}
