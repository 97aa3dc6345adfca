// Package awsfake is one in-process fake AWS endpoint for tests. It speaks the real wire
// protocols (awsJson1.1 for SSM; the EC2 query protocol's XML errors are ready for EC2), so
// the real aws-sdk-go-v2 clients drive it through a custom BaseEndpoint with static
// credentials. It keeps an in-memory store, counts calls per operation and can be told to fail
// the next calls of an operation with a given error code.
//
// Adding a service means registering its operations with handleJSON (X-Amz-Target routing)
// or handleQuery (Action= form routing); counting, recording and fault injection then apply
// to them without further work.
package awsfake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Request is one request the fake received, as it arrived on the wire.
type Request struct {
	Op     string      // operation name, e.g. "GetParameter"
	Header http.Header // request headers
	Body   []byte      // raw body (JSON for JSON services, form-encoded for query services)
	Form   url.Values  // parsed body of a query-protocol request; nil for JSON services
}

// handler serves one operation: it returns the result to encode, or an API error.
type handler func(req Request) (any, *APIError)

type operation struct {
	service string // X-Amz-Target prefix for JSON services, "" for query services
	proto   protocol
	handle  handler
}

// Server is the fake endpoint. All methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	ops      map[string]operation
	calls    map[string]int
	requests map[string][]Request
	faults   map[string][]fault
	nextID   int
	ssm      ssmStore
	ec2      ec2Store
}

// New starts a fake on 127.0.0.1 and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		ops:      map[string]operation{},
		calls:    map[string]int{},
		requests: map[string][]Request{},
		faults:   map[string][]fault{},
		ssm:      ssmStore{params: map[string]parameter{}},
	}
	s.registerSSM()
	s.registerEC2()
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint's base URL, for an SDK client's BaseEndpoint.
func (s *Server) URL() string { return s.srv.URL }

// Calls is how many requests for op reached the fake, failed ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Requests returns the requests for op in the order they arrived.
func (s *Server) Requests(op string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests[op]...)
}

// handleJSON registers an awsJson operation routed by "X-Amz-Target: <service>.<op>".
func (s *Server) handleJSON(service, op string, h handler) {
	s.register(op, operation{service: service, proto: jsonProtocol{}, handle: h})
}

// handleQuery registers a query-protocol operation routed by the form value Action=<op>.
func (s *Server) handleQuery(op string, h handler) {
	s.register(op, operation{proto: ec2Protocol{}, handle: h})
}

func (s *Server) register(op string, o operation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.ops[op]; dup {
		panic("awsfake: operation registered twice: " + op)
	}
	s.ops[op] = o
}

// ServeHTTP routes a request on its protocol, records it and serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "awsfake: expected a POST with a readable body", http.StatusBadRequest)
		return
	}
	req, proto, apiErr := s.route(r, body)
	reqID := s.record(req)
	if apiErr == nil {
		apiErr = checkAuth(r.Header, proto)
	}
	if apiErr != nil {
		writeError(w, proto, reqID, apiErr)
		return
	}
	s.serve(w, req, reqID)
}

// route finds the operation a request names: X-Amz-Target for JSON services, Action= for
// query services.
func (s *Server) route(r *http.Request, body []byte) (Request, protocol, *APIError) {
	req := Request{Header: r.Header.Clone(), Body: body}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		service, op, _ := strings.Cut(target, ".")
		req.Op = op
		if o, ok := s.lookup(op); !ok || o.service != service {
			return req, jsonProtocol{}, &APIError{Code: "UnknownOperationException", Message: "unknown target " + target}
		}
		return req, jsonProtocol{}, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return req, ec2Protocol{}, &APIError{Code: "MalformedQueryString", Message: err.Error()}
	}
	req.Op, req.Form = form.Get("Action"), form
	if o, ok := s.lookup(req.Op); !ok || o.service != "" {
		return req, ec2Protocol{}, &APIError{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", req.Op)}
	}
	return req, ec2Protocol{}, nil
}

func (s *Server) lookup(op string) (operation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.ops[op]
	return o, ok
}

// record counts and keeps a request, and returns the request id it is answered with.
func (s *Server) record(req Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[req.Op]++
	s.requests[req.Op] = append(s.requests[req.Op], req)
	s.nextID++
	return fmt.Sprintf("awsfake-%08d", s.nextID)
}

// serve answers a routed, authorised request: an injected fault or the operation's result.
func (s *Server) serve(w http.ResponseWriter, req Request, reqID string) {
	o, _ := s.lookup(req.Op)
	f, faulted := s.takeFault(req.Op)
	if faulted && f.code != "" {
		writeError(w, o.proto, reqID, &APIError{Code: f.code, Message: "injected fault"})
		return
	}
	out, apiErr := o.handle(req)
	if apiErr != nil {
		writeError(w, o.proto, reqID, apiErr)
		return
	}
	body, contentType, err := o.proto.encodeResult(req.Op, reqID, out)
	if err != nil {
		writeError(w, o.proto, reqID, &APIError{Code: "InternalFailure", Message: err.Error()})
		return
	}
	if faulted && f.truncate && len(body) > 2 {
		body = body[:len(body)-2]
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", reqID)
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, bytes.NewReader(body))
}

// checkAuth accepts only SigV4-signed requests made with the fake's static access key.
func checkAuth(h http.Header, proto protocol) *APIError {
	auth := h.Get("Authorization")
	if strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") && strings.Contains(auth, "Credential="+AccessKeyID+"/") {
		return nil
	}
	return proto.authError()
}
