package awsfake

import (
	"sort"
	"strings"
)

// maxInstantFleetDeletes is EC2's limit of instant fleets in one DeleteFleets request.
const maxInstantFleetDeletes = 25

func (s *Server) ec2DescribeSpotRequests(req Request) (any, *APIError) {
	fs := filters(req.Form)
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []string
	for id, r := range s.ec2.spots {
		f := filterable{tags: r.Tags, attrs: map[string]string{"state": r.State, "instance-id": r.InstanceID}}
		ok, apiErr := f.match(fs, "state", "instance-id")
		if apiErr != nil {
			return nil, apiErr
		}
		if ok {
			matched = append(matched, id)
		}
	}
	ids, next, apiErr := page(matched, req.Form, 1000, 5, 1000)
	if apiErr != nil {
		return nil, apiErr
	}
	out := describeSpotRequestsResult{NextToken: next}
	for _, id := range ids {
		r := s.ec2.spots[id]
		out.Requests = append(out.Requests, xmlSpotRequest{ID: r.ID, State: r.State, Type: "one-time",
			InstanceID: r.InstanceID, CreateTime: isoTime(r.Created), Tags: xmlTags(r.Tags)})
	}
	return out, nil
}

func (s *Server) ec2CancelSpotRequests(req Request) (any, *APIError) {
	ids := listParam(req.Form, "SpotInstanceRequestId")
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for _, id := range ids {
		if _, ok := s.ec2.spots[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFound("InvalidSpotInstanceRequestID.NotFound", "spot instance request ID", missing)
	}
	var out cancelSpotRequestsResult
	for _, id := range ids {
		s.ec2.spots[id].State = "cancelled"
		out.Requests = append(out.Requests, xmlCancelledSpot{ID: id, State: "cancelled"})
	}
	return out, nil
}

// ec2DescribeFleets lists fleets; instant fleets appear only when their id is asked for.
func (s *Server) ec2DescribeFleets(req Request) (any, *APIError) {
	fs := filters(req.Form)
	want := listParam(req.Form, "FleetId")
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []string
	for id, fl := range s.ec2.fleets {
		if len(want) > 0 && !anyEqual([]string{id}, want) || len(want) == 0 && fl.Type == "instant" {
			continue
		}
		f := filterable{tags: fl.Tags, attrs: map[string]string{"fleet-state": strings.ReplaceAll(fl.State, "_", "-"), "type": fl.Type}}
		ok, apiErr := f.match(fs, "fleet-state", "type")
		if apiErr != nil {
			return nil, apiErr
		}
		if ok {
			matched = append(matched, id)
		}
	}
	ids, next, apiErr := page(matched, req.Form, 1000, 1, 1000)
	if apiErr != nil {
		return nil, apiErr
	}
	out := describeFleetsResult{NextToken: next}
	for _, id := range ids {
		fl := s.ec2.fleets[id]
		out.Fleets = append(out.Fleets, xmlFleet{FleetID: id, FleetState: fl.State, Type: fl.Type,
			CreateTime: isoTime(fl.Created), Tags: xmlTags(fl.Tags)})
	}
	return out, nil
}

// ec2DeleteFleets deletes fleets; with TerminateInstances their instances are terminated.
// Unknown ids are reported per fleet, not as a failed request, as EC2 does.
func (s *Server) ec2DeleteFleets(req Request) (any, *APIError) {
	ids := listParam(req.Form, "FleetId")
	terminate := boolParam(req.Form.Get("TerminateInstances"))
	s.mu.Lock()
	defer s.mu.Unlock()
	instant := 0
	for _, id := range ids {
		if fl, ok := s.ec2.fleets[id]; ok && fl.Type == "instant" {
			instant++
			if !terminate {
				return nil, &APIError{Code: "InvalidParameterCombination", Message: "NoTerminateInstances is not supported for instant fleets"}
			}
		}
	}
	if instant > maxInstantFleetDeletes {
		return nil, &APIError{Code: "InvalidParameterValue", Message: "You can delete up to 25 instant fleets in a single request"}
	}
	var out deleteFleetsResult
	for _, id := range ids {
		fl, ok := s.ec2.fleets[id]
		if !ok {
			out.NotDeleted = append(out.NotDeleted, xmlFleetNotDeleted{FleetID: id, Code: "fleetIdDoesNotExist", Message: "The fleet " + id + " does not exist"})
			continue
		}
		prev := fl.State
		fl.State = "deleted_running"
		if terminate {
			fl.State = "deleted_terminating"
			for _, iid := range fl.InstanceIDs {
				if _, ok := s.ec2.instances[iid]; ok {
					s.terminate(iid)
				}
			}
		}
		out.Deleted = append(out.Deleted, xmlFleetDeleted{FleetID: id, CurrentState: fl.State, PreviousState: prev})
	}
	return out, nil
}

func (s *Server) ec2DescribeKeyPairs(req Request) (any, *APIError) {
	fs := filters(req.Form)
	names := listParam(req.Form, "KeyName")
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []string
	for name, k := range s.ec2.keys {
		if len(names) > 0 && !anyEqual([]string{name}, names) {
			continue
		}
		ok, apiErr := filterable{tags: k.Tags, attrs: map[string]string{"key-name": k.Name, "key-pair-id": k.ID}}.match(fs, "key-name", "key-pair-id")
		if apiErr != nil {
			return nil, apiErr
		}
		if ok {
			matched = append(matched, name)
		}
	}
	sort.Strings(matched)
	var out describeKeyPairsResult
	for _, name := range matched {
		k := s.ec2.keys[name]
		out.KeyPairs = append(out.KeyPairs, xmlKeyPair{KeyPairID: k.ID, KeyName: k.Name, KeyType: "rsa",
			CreateTime: isoTime(k.Created), Tags: xmlTags(k.Tags)})
	}
	return out, nil
}

// ec2DeleteKeyPair deletes by name (an unknown name succeeds, as on EC2) or by id (an unknown
// id is InvalidKeyPair.NotFound).
func (s *Server) ec2DeleteKeyPair(req Request) (any, *APIError) {
	name, id := req.Form.Get("KeyName"), req.Form.Get("KeyPairId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != "" {
		for n, k := range s.ec2.keys {
			if k.ID == id {
				delete(s.ec2.keys, n)
				return deleteKeyPairResult{Return: true, KeyPairID: id}, nil
			}
		}
		return nil, &APIError{Code: "InvalidKeyPair.NotFound", Message: "The key pair '" + id + "' does not exist"}
	}
	k, ok := s.ec2.keys[name]
	if !ok {
		return deleteKeyPairResult{Return: true}, nil
	}
	delete(s.ec2.keys, name)
	return deleteKeyPairResult{Return: true, KeyPairID: k.ID}, nil
}

func (s *Server) ec2CreateTags(req Request) (any, *APIError) {
	ids := listParam(req.Form, "ResourceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.tagsOf(id) == nil {
			return nil, notFound("InvalidID", "ID", []string{id})
		}
	}
	for _, id := range ids {
		tags := s.tagsOf(id)
		for i := 1; req.Form.Has(tagKey(i)); i++ {
			(*tags)[req.Form.Get(tagKey(i))] = req.Form.Get(tagValue(i))
		}
	}
	return createTagsResult{Return: true}, nil
}

func tagKey(i int) string   { return "Tag." + itoa(i) + ".Key" }
func tagValue(i int) string { return "Tag." + itoa(i) + ".Value" }
