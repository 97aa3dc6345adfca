package awsfake

import (
	"fmt"
	"sort"
	"time"
)

// The fake's EC2: instances, spot instance requests, EC2 fleets and key pairs, each with
// tags, served over the EC2 query protocol (XML). Seed it with the Add* methods; read it
// back with the getters. Everything is guarded by Server.mu.

// Instance is a fake EC2 instance. State is an EC2 state name: pending, running,
// shutting-down, terminated, stopping or stopped.
type Instance struct {
	ID         string
	State      string
	Type       string
	PrivateIP  string
	LaunchTime time.Time
	Tags       map[string]string
}

// SpotRequest is a fake spot instance request (state open, active, closed, cancelled, failed).
type SpotRequest struct {
	ID         string
	State      string
	InstanceID string
	Created    time.Time
	Tags       map[string]string
}

// Fleet is a fake EC2 fleet. Type is instant, request or maintain; as on EC2, an instant
// fleet is described only when its id is asked for.
type Fleet struct {
	ID          string
	State       string // submitted, active, deleted, deleted_running, deleted_terminating, ...
	Type        string
	InstanceIDs []string
	Created     time.Time
	Tags        map[string]string
}

// KeyPair is a fake EC2 key pair.
type KeyPair struct {
	ID      string
	Name    string
	Created time.Time
	Tags    map[string]string
}

type ec2Store struct {
	instances map[string]*Instance
	spots     map[string]*SpotRequest
	fleets    map[string]*Fleet
	keys      map[string]*KeyPair // by name
	n         int
}

var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func (s *Server) registerEC2() {
	s.ec2 = ec2Store{instances: map[string]*Instance{}, spots: map[string]*SpotRequest{},
		fleets: map[string]*Fleet{}, keys: map[string]*KeyPair{}}
	s.handleQuery("DescribeInstances", s.ec2DescribeInstances)
	s.handleQuery("TerminateInstances", s.ec2TerminateInstances)
	s.handleQuery("DescribeSpotInstanceRequests", s.ec2DescribeSpotRequests)
	s.handleQuery("CancelSpotInstanceRequests", s.ec2CancelSpotRequests)
	s.handleQuery("DescribeFleets", s.ec2DescribeFleets)
	s.handleQuery("DeleteFleets", s.ec2DeleteFleets)
	s.handleQuery("DescribeKeyPairs", s.ec2DescribeKeyPairs)
	s.handleQuery("DeleteKeyPair", s.ec2DeleteKeyPair)
	s.handleQuery("CreateTags", s.ec2CreateTags)
}

func (s *Server) newID(prefix string) string {
	s.ec2.n++
	return fmt.Sprintf("%s-%017x", prefix, s.ec2.n)
}

// AddInstance stores an instance and returns its id (generated when in.ID is empty; state
// running and launch time now when unset).
func (s *Server) AddInstance(in Instance) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.ID == "" {
		in.ID = s.newID("i")
	}
	if in.State == "" {
		in.State = "running"
	}
	if in.LaunchTime.IsZero() {
		in.LaunchTime = time.Now()
	}
	in.Tags = copyTags(in.Tags)
	s.ec2.instances[in.ID] = &in
	return in.ID
}

// AddSpotRequest stores a spot request (state open when unset) and returns its id.
func (s *Server) AddSpotRequest(r SpotRequest) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID == "" {
		r.ID = s.newID("sir")
	}
	if r.State == "" {
		r.State = "open"
	}
	r.Tags = copyTags(r.Tags)
	s.ec2.spots[r.ID] = &r
	return r.ID
}

// AddFleet stores a fleet (type instant and state active when unset) and returns its id.
func (s *Server) AddFleet(f Fleet) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ID == "" {
		f.ID = s.newID("fleet")
	}
	if f.Type == "" {
		f.Type = "instant"
	}
	if f.State == "" {
		f.State = "active"
	}
	f.Tags = copyTags(f.Tags)
	f.InstanceIDs = append([]string(nil), f.InstanceIDs...)
	s.ec2.fleets[f.ID] = &f
	return f.ID
}

// AddKeyPair stores a key pair and returns its id.
func (s *Server) AddKeyPair(k KeyPair) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.ID == "" {
		k.ID = s.newID("key")
	}
	k.Tags = copyTags(k.Tags)
	s.ec2.keys[k.Name] = &k
	return k.ID
}

// InstanceState is an instance's state, "" when there is no such instance.
func (s *Server) InstanceState(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.ec2.instances[id]; ok {
		return in.State
	}
	return ""
}

// SpotRequestState is a spot request's state, "" when there is none.
func (s *Server) SpotRequestState(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.ec2.spots[id]; ok {
		return r.State
	}
	return ""
}

// FleetState is a fleet's state, "" when there is none.
func (s *Server) FleetState(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.ec2.fleets[id]; ok {
		return f.State
	}
	return ""
}

// KeyPairNames lists the stored key pairs' names, sorted.
func (s *Server) KeyPairNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.ec2.keys))
	for n := range s.ec2.keys {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Tags returns a copy of an object's tags (instance, spot request, fleet or key pair id).
func (s *Server) Tags(id string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tagsOf(id); t != nil {
		return copyTags(*t)
	}
	return nil
}

// RemoveInstance makes an instance vanish without a trace, as one terminated long ago does:
// EC2 then answers InvalidInstanceID.NotFound for it.
func (s *Server) RemoveInstance(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ec2.instances, id)
}

func (s *Server) tagsOf(id string) *map[string]string {
	if in, ok := s.ec2.instances[id]; ok {
		return &in.Tags
	}
	if r, ok := s.ec2.spots[id]; ok {
		return &r.Tags
	}
	if f, ok := s.ec2.fleets[id]; ok {
		return &f.Tags
	}
	for _, k := range s.ec2.keys {
		if k.ID == id {
			return &k.Tags
		}
	}
	return nil
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
