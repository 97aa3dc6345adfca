package awsfake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The static credentials and region Config uses. The fake refuses requests signed with any
// other access key.
const (
	AccessKeyID     = "AKIDAWSFAKE"
	SecretAccessKey = "awsfake-secret-access-key"
	Region          = "eu-west-1"
)

// fault is one injected outcome for the next call of an operation.
type fault struct {
	code     string // answer with this error code, when non-empty
	truncate bool   // answer with the real result cut short (a malformed body)
}

// FailNext makes the next n calls of op fail with the error code (e.g. "ThrottlingException",
// "AccessDeniedException", "RequestLimitExceeded"), each answered in op's protocol with the
// HTTP status AWS uses for that code.
func (s *Server) FailNext(op, code string, n int) {
	s.addFaults(op, fault{code: code}, n)
}

// TruncateNext makes the next n calls of op answer 200 with the real result cut short, so
// the client must fail to decode a body that holds the real data.
func (s *Server) TruncateNext(op string, n int) {
	s.addFaults(op, fault{truncate: true}, n)
}

func (s *Server) addFaults(op string, f fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[op] = append(s.faults[op], f)
	}
}

func (s *Server) takeFault(op string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[op]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[op] = q[1:]
	return q[0], true
}

// Config is an aws.Config pointed at the fake: static credentials, Region, the fake's URL as
// BaseEndpoint, and a standard retryer with millisecond backoff and no client-side retry
// quota, so retry tests are fast and deterministic (3 attempts, the SDK's default).
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL()),
		HTTPClient:   s.srv.Client(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff = time.Millisecond
				o.RateLimiter = ratelimit.None
			})
		},
	}
}
