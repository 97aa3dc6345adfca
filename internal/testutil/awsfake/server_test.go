package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

const signed = "AWS4-HMAC-SHA256 Credential=" + AccessKeyID + "/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=00"

// post sends a raw request and returns the status and body.
func post(t *testing.T, s *Server, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSecureStringIsDecryptedOnlyOnRequest(t *testing.T) {
	s := New(t)
	s.PutParameter("/secure", "plain-secret")
	s.PutStringParameter("/plain", "visible")
	client := ssm.NewFromConfig(s.Config())

	for _, tc := range []struct {
		name    string
		decrypt bool
		want    string
	}{
		{"/secure", true, "plain-secret"},
		{"/secure", false, ciphertext("plain-secret")},
		{"/plain", false, "visible"},
	} {
		out, err := client.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(tc.name), WithDecryption: aws.Bool(tc.decrypt)})
		if err != nil {
			t.Fatalf("GetParameter(%s, %v): %v", tc.name, tc.decrypt, err)
		}
		if got := aws.ToString(out.Parameter.Value); got != tc.want {
			t.Errorf("GetParameter(%s, %v) = %q, want %q", tc.name, tc.decrypt, got, tc.want)
		}
		if out.Parameter.Version != 1 || out.Parameter.LastModifiedDate == nil {
			t.Errorf("GetParameter(%s): version %d, modified %v", tc.name, out.Parameter.Version, out.Parameter.LastModifiedDate)
		}
	}
	if n := s.Calls("GetParameter"); n != 3 {
		t.Errorf("Calls = %d, want 3", n)
	}
}

func TestUnknownJSONOperation(t *testing.T) {
	s := New(t)
	_, err := ssm.NewFromConfig(s.Config()).DescribeParameters(t.Context(), &ssm.DescribeParametersInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnknownOperationException" {
		t.Fatalf("err = %v, want UnknownOperationException", err)
	}
	if n := s.Calls("DescribeParameters"); n != 1 {
		t.Errorf("Calls = %d, want 1", n)
	}
}

func TestUnsignedRequestIsRefused(t *testing.T) {
	s := New(t)
	s.PutParameter("/p", "v")
	status, body := post(t, s, map[string]string{"X-Amz-Target": "AmazonSSM.GetParameter"}, `{"Name":"/p","WithDecryption":true}`)
	var e map[string]string
	if err := json.Unmarshal([]byte(body), &e); err != nil || status != http.StatusBadRequest || e["__type"] != "UnrecognizedClientException" {
		t.Fatalf("status %d, body %s: want 400 UnrecognizedClientException", status, body)
	}
	if strings.Contains(body, `"v"`) {
		t.Errorf("refusal leaked the value: %s", body)
	}
}

type xmlErrorResponse struct {
	XMLName xml.Name `xml:"Response"`
	Codes   []string `xml:"Errors>Error>Code"`
	ReqID   string   `xml:"RequestID"`
}

func postQuery(t *testing.T, s *Server, form url.Values) (int, string) {
	t.Helper()
	return post(t, s, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": signed}, form.Encode())
}

func wantQueryError(t *testing.T, status int, body string, wantStatus int, wantCode string) {
	t.Helper()
	var e xmlErrorResponse
	if err := xml.Unmarshal([]byte(body), &e); err != nil || status != wantStatus || len(e.Codes) != 1 || e.Codes[0] != wantCode || e.ReqID == "" {
		t.Fatalf("status %d, body %s: want %d with code %s", status, body, wantStatus, wantCode)
	}
}

// The query side of the router, as EC2 will use it: Action= routing, XML results wrapped in
// <ActionResponse>, XML errors, fault injection and call counting.
func TestQueryProtocol(t *testing.T) {
	s := New(t)
	s.handleQuery("DescribeThings", func(req Request) (any, *APIError) {
		if req.Form.Get("Filter.1.Name") == "bad" {
			return nil, &APIError{Code: "InvalidParameterValue", Message: "bad filter"}
		}
		return struct {
			Items []string `xml:"thingSet>item"`
		}{Items: []string{"a", "b"}}, nil
	})
	form := url.Values{"Action": {"DescribeThings"}, "Version": {"2016-11-15"}}

	status, body := postQuery(t, s, form)
	want := `<DescribeThingsResponse xmlns="` + ec2Namespace + `"><requestId>awsfake-00000001</requestId><thingSet><item>a</item><item>b</item></thingSet></DescribeThingsResponse>`
	if status != http.StatusOK || !strings.HasSuffix(body, want) {
		t.Fatalf("status %d, body %s; want 200 ending %s", status, body, want)
	}
	s.FailNext("DescribeThings", "RequestLimitExceeded", 1)
	status, body = postQuery(t, s, form)
	wantQueryError(t, status, body, http.StatusServiceUnavailable, "RequestLimitExceeded")

	form.Set("Filter.1.Name", "bad")
	status, body = postQuery(t, s, form)
	wantQueryError(t, status, body, http.StatusBadRequest, "InvalidParameterValue")

	status, body = postQuery(t, s, url.Values{"Action": {"Nope"}})
	wantQueryError(t, status, body, http.StatusBadRequest, "InvalidAction")
	if n := s.Calls("DescribeThings"); n != 3 {
		t.Errorf("Calls = %d, want 3", n)
	}
	if got := s.Requests("DescribeThings")[2].Form.Get("Filter.1.Name"); got != "bad" {
		t.Errorf("recorded form value = %q", got)
	}
}

func TestRegisteringAnOperationTwicePanics(t *testing.T) {
	s := New(t)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	s.handleJSON("AmazonSSM", "GetParameter", s.ssmGetParameter)
}
