package awsfake

import (
	"fmt"
	"strconv"
)

// maxTerminate is how many instance ids one TerminateInstances call may name here; EC2
// rejects larger requests, so callers must batch.
const maxTerminate = 1000

func (s *Server) ec2DescribeInstances(req Request) (any, *APIError) {
	fs := filters(req.Form)
	want := listParam(req.Form, "InstanceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(want) > 0 && req.Form.Get("MaxResults") != "" {
		return nil, &APIError{Code: "InvalidParameterCombination", Message: "The parameter instancesSet cannot be used with the parameter maxResults"}
	}
	ids, apiErr := s.instanceIDs(want)
	if apiErr != nil {
		return nil, apiErr
	}
	var matched []string
	for _, id := range ids {
		in := s.ec2.instances[id]
		f := filterable{tags: in.Tags, attrs: map[string]string{"instance-state-name": in.State, "instance-id": in.ID}}
		ok, apiErr := f.match(fs, "instance-state-name", "instance-id")
		if apiErr != nil {
			return nil, apiErr
		}
		if ok {
			matched = append(matched, id)
		}
	}
	pageIDs, next, apiErr := page(matched, req.Form, 1000, 5, 1000)
	if apiErr != nil {
		return nil, apiErr
	}
	out := describeInstancesResult{NextToken: next}
	for _, id := range pageIDs {
		out.Reservations = append(out.Reservations, xmlReservation{
			ReservationID: "r-" + id[2:], OwnerID: "123456789012", Instances: []xmlInstance{s.xmlInstance(s.ec2.instances[id])}})
	}
	return out, nil
}

// instanceIDs is the ids a DescribeInstances names (all unknown ones fail it), or every id.
func (s *Server) instanceIDs(want []string) ([]string, *APIError) {
	if len(want) == 0 {
		ids := make([]string, 0, len(s.ec2.instances))
		for id := range s.ec2.instances {
			ids = append(ids, id)
		}
		return ids, nil
	}
	var missing []string
	for _, id := range want {
		if _, ok := s.ec2.instances[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFound("InvalidInstanceID.NotFound", "instance ID", missing)
	}
	return want, nil
}

func (s *Server) xmlInstance(in *Instance) xmlInstance {
	typ := in.Type
	if typ == "" {
		typ = "m5.large"
	}
	return xmlInstance{InstanceID: in.ID, InstanceType: typ, State: xmlState{Code: stateCodes[in.State], Name: in.State},
		PrivateIP: in.PrivateIP, LaunchTime: isoTime(in.LaunchTime), Tags: xmlTags(in.Tags)}
}

// ec2TerminateInstances terminates every named instance, or none when one is unknown
// (InvalidInstanceID.NotFound naming the unknown ones), as EC2 does.
func (s *Server) ec2TerminateInstances(req Request) (any, *APIError) {
	ids := listParam(req.Form, "InstanceId")
	if len(ids) == 0 {
		return nil, &APIError{Code: "MissingParameter", Message: "The request must contain the parameter InstanceId"}
	}
	if len(ids) > maxTerminate {
		return nil, &APIError{Code: "InvalidParameterValue", Message: fmt.Sprintf("Too many instance ids: %d (at most %d)", len(ids), maxTerminate)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for _, id := range ids {
		if _, ok := s.ec2.instances[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFound("InvalidInstanceID.NotFound", "instance ID", missing)
	}
	var out terminateInstancesResult
	for _, id := range ids {
		out.Instances = append(out.Instances, s.terminate(id))
	}
	return out, nil
}

func (s *Server) terminate(id string) xmlStateChange {
	in := s.ec2.instances[id]
	prev := xmlState{Code: stateCodes[in.State], Name: in.State}
	if in.State != "terminated" {
		in.State = "shutting-down"
	}
	// The fake skips the minutes of shutting-down a real instance spends: the next describe
	// already sees it terminated.
	defer func() { in.State = "terminated" }()
	return xmlStateChange{InstanceID: id, PreviousState: prev, CurrentState: xmlState{Code: stateCodes[in.State], Name: in.State}}
}

func boolParam(v string) bool { b, _ := strconv.ParseBool(v); return b }

func itoa(i int) string { return strconv.Itoa(i) }
