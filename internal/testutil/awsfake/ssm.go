package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// ssmStore is the fake's Parameter Store. It is guarded by Server.mu.
type ssmStore struct {
	params map[string]parameter
}

type parameter struct {
	value    string
	typ      string // "String" or "SecureString"
	version  int64
	modified time.Time
}

// ssmParameter is the SSM Parameter shape as awsJson1.1 puts it on the wire.
type ssmParameter struct {
	Name             string
	Type             string
	Value            string
	Version          int64
	LastModifiedDate float64 // epoch seconds
	ARN              string
	DataType         string
}

func (s *Server) registerSSM() {
	s.handleJSON("AmazonSSM", "GetParameter", s.ssmGetParameter)
}

// PutParameter stores a SecureString parameter (a new version when it exists). GetParameter
// returns its plaintext only when the request asks for decryption, as SSM does.
func (s *Server) PutParameter(name, value string) {
	s.putParameter(name, value, "SecureString")
}

// PutStringParameter stores a plain String parameter.
func (s *Server) PutStringParameter(name, value string) {
	s.putParameter(name, value, "String")
}

func (s *Server) putParameter(name, value, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.ssm.params[name]
	s.ssm.params[name] = parameter{value: value, typ: typ, version: p.version + 1, modified: time.Now()}
}

func (s *Server) ssmGetParameter(req Request) (any, *APIError) {
	var in struct {
		Name           *string
		WithDecryption *bool
	}
	if err := json.Unmarshal(req.Body, &in); err != nil || in.Name == nil || *in.Name == "" {
		return nil, &APIError{Code: "ValidationException", Message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"}
	}
	s.mu.Lock()
	p, ok := s.ssm.params[*in.Name]
	s.mu.Unlock()
	if !ok {
		return nil, &APIError{Code: "ParameterNotFound", Message: fmt.Sprintf("Parameter %s not found.", *in.Name)}
	}
	value := p.value
	if p.typ == "SecureString" && (in.WithDecryption == nil || !*in.WithDecryption) {
		value = ciphertext(p.value)
	}
	return map[string]ssmParameter{"Parameter": {
		Name: *in.Name, Type: p.typ, Value: value, Version: p.version,
		LastModifiedDate: float64(p.modified.UnixMilli()) / 1000,
		ARN:              fmt.Sprintf("arn:aws:ssm:%s:123456789012:parameter/%s", Region, trimSlash(*in.Name)),
		DataType:         "text",
	}}, nil
}

// ciphertext stands in for the KMS blob SSM returns for an undecrypted SecureString: opaque,
// stable, and never the plaintext.
func ciphertext(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return "AQICAHfake" + base64.StdEncoding.EncodeToString(sum[:])
}

func trimSlash(name string) string {
	if len(name) > 0 && name[0] == '/' {
		return name[1:]
	}
	return name
}
