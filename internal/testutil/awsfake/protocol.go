package awsfake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
)

// APIError is an error answer: an AWS error code and message. Status 0 means the status AWS
// uses for that code (statusFor).
type APIError struct {
	Code    string
	Message string
	Status  int
}

// protocol is how one family of services puts results and errors on the wire.
type protocol interface {
	encodeResult(op, reqID string, v any) (body []byte, contentType string, err error)
	encodeError(reqID string, e *APIError) (body []byte, contentType string)
	authError() *APIError
}

// statusFor is the HTTP status AWS answers an error code with.
func statusFor(code string) int {
	switch code {
	case "InternalServerError", "InternalFailure", "InternalError":
		return http.StatusInternalServerError
	case "ServiceUnavailable", "Unavailable", "RequestLimitExceeded":
		return http.StatusServiceUnavailable
	case "AuthFailure":
		return http.StatusUnauthorized
	default:
		return http.StatusBadRequest
	}
}

func writeError(w http.ResponseWriter, proto protocol, reqID string, e *APIError) {
	status := e.Status
	if status == 0 {
		status = statusFor(e.Code)
	}
	body, contentType := proto.encodeError(reqID, e)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", reqID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonProtocol is awsJson1.1 (SSM): results are the output shape as JSON; errors are
// {"__type": code, "<message member>": text}, which the SDK resolves through its type
// registry to the modelled error type.
type jsonProtocol struct{}

const jsonContentType = "application/x-amz-json-1.1"

func (jsonProtocol) encodeResult(_, _ string, v any) ([]byte, string, error) {
	b, err := json.Marshal(v)
	return b, jsonContentType, err
}

func (jsonProtocol) encodeError(_ string, e *APIError) ([]byte, string) {
	b, _ := json.Marshal(map[string]string{"__type": e.Code, jsonMessageMember(e.Code): e.Message})
	return b, jsonContentType
}

func (jsonProtocol) authError() *APIError {
	return &APIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
}

// jsonMessageMember is the name of an error's message member in the SSM model: SSM's
// Parameter* errors (and a few others) model it as "message", most errors as "Message". The
// SDK matches member names exactly, so a wrong case would lose the message.
func jsonMessageMember(code string) string {
	if strings.HasPrefix(code, "Parameter") || code == "UnsupportedParameterType" {
		return "message"
	}
	return "Message"
}

// ec2Protocol is the EC2 query protocol: requests are form-encoded with Action=<op>; results
// are <OpResponse xmlns=...><requestId/>...fields...</OpResponse>; errors are
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
type ec2Protocol struct{}

const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// encodeResult writes v's fields (v is a struct without an XMLName) as the children of the
// <OpResponse> element, after <requestId>.
func (ec2Protocol) encodeResult(op, reqID string, v any) ([]byte, string, error) {
	var inner bytes.Buffer
	enc := xml.NewEncoder(&inner)
	if err := enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
		return nil, "", err
	}
	children := strings.TrimSuffix(strings.TrimPrefix(inner.String(), "<x>"), "</x>")
	env := struct {
		XMLName   xml.Name
		Xmlns     string `xml:"xmlns,attr"`
		RequestID string `xml:"requestId"`
		Inner     string `xml:",innerxml"`
	}{XMLName: xml.Name{Local: op + "Response"}, Xmlns: ec2Namespace, RequestID: reqID, Inner: children}
	b, err := xml.Marshal(env)
	return append([]byte(xml.Header), b...), "text/xml;charset=UTF-8", err
}

func (ec2Protocol) encodeError(reqID string, e *APIError) ([]byte, string) {
	type xmlError struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	env := struct {
		XMLName   xml.Name   `xml:"Response"`
		Errors    []xmlError `xml:"Errors>Error"`
		RequestID string     `xml:"RequestID"`
	}{Errors: []xmlError{{Code: e.Code, Message: e.Message}}, RequestID: reqID}
	b, _ := xml.Marshal(env)
	return append([]byte(xml.Header), b...), "text/xml;charset=UTF-8"
}

func (ec2Protocol) authError() *APIError {
	return &APIError{Code: "AuthFailure", Message: "AWS was not able to validate the provided access credentials"}
}
