package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

// Errors GetParameter wraps, for errors.Is.
var (
	ErrParameterNotFound = errors.New("parameter not found")
	ErrAccessDenied      = errors.New("access denied")
)

var _ reconcile.ParameterStore = (*SSM)(nil)

// SSM reads Parameter Store values.
type SSM struct {
	client *ssm.Client
}

// NewSSM returns a reader over an SSM client.
func NewSSM(client *ssm.Client) *SSM {
	return &SSM{client: client}
}

// NewSSMFromConfig returns a reader over a new SSM client built from cfg.
func NewSSMFromConfig(cfg aws.Config) *SSM {
	return NewSSM(ssm.NewFromConfig(cfg))
}

// GetParameter returns the value of the parameter name, decrypted when it is a SecureString.
// A missing parameter wraps ErrParameterNotFound; a refusal by IAM or KMS wraps
// ErrAccessDenied. The error never holds the value.
func (s *SSM) GetParameter(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", errors.New("unable to read SSM parameter: empty name")
	}
	out, err := s.client.GetParameter(ctx, &ssm.GetParameterInput{
		Name:           aws.String(name),
		WithDecryption: aws.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("unable to read SSM parameter %s: %w", name, classify(err))
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("unable to read SSM parameter %s: the response holds no value", name)
	}
	return *out.Parameter.Value, nil
}

// classify adds the matching sentinel to an SDK error, keeping the SDK error in the chain.
func classify(err error) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	switch apiErr.ErrorCode() {
	case "ParameterNotFound":
		return fmt.Errorf("%w: %w", ErrParameterNotFound, err)
	case "AccessDeniedException", "AccessDenied":
		return fmt.Errorf("%w: %w", ErrAccessDenied, err)
	}
	return err
}
