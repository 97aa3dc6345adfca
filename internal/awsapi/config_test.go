package awsapi_test

import (
	"path/filepath"
	"testing"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/testutil/awsfake"
)

// isolateEnv gives LoadDefaultConfig only the environment credentials and no shared files,
// profile, instance metadata or endpoint overrides from the machine running the test.
func isolateEnv(t *testing.T) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           awsfake.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       awsfake.SecretAccessKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "us-east-2",
		"AWS_DEFAULT_REGION":          "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_SSM":        "",
	} {
		t.Setenv(k, v)
	}
}

func TestLoadConfigDefaultChainAndEndpoint(t *testing.T) {
	isolateEnv(t)
	fake := awsfake.New(t)
	fake.PutParameter("/p", "v")

	cfg, err := awsapi.LoadConfig(t.Context(), awsfake.Region, fake.URL())
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Region != awsfake.Region {
		t.Errorf("region = %q, want %q", cfg.Region, awsfake.Region)
	}
	got, err := awsapi.NewSSMFromConfig(cfg).GetParameter(t.Context(), "/p")
	if err != nil || got != "v" {
		t.Fatalf("GetParameter through the loaded config = (%q, %v)", got, err)
	}
	if n := fake.Calls("GetParameter"); n != 1 {
		t.Errorf("fake saw %d GetParameter calls, want 1", n)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	isolateEnv(t)

	cfg, err := awsapi.LoadConfig(t.Context(), "", "")
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Region != "us-east-2" {
		t.Errorf("region = %q, want the chain's us-east-2", cfg.Region)
	}
	if cfg.BaseEndpoint != nil {
		t.Errorf("BaseEndpoint = %q, want none", *cfg.BaseEndpoint)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || creds.AccessKeyID != awsfake.AccessKeyID {
		t.Errorf("credentials = (%q, %v), want the environment's", creds.AccessKeyID, err)
	}
}
