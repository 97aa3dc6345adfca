package awsfake

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

func TestEC2FiltersPagesAndTags(t *testing.T) {
	s := New(t)
	for range 12 {
		s.AddInstance(Instance{Tags: map[string]string{"runnerfleet:fleet": "ci"}})
	}
	stopped := s.AddInstance(Instance{State: "stopped", Tags: map[string]string{"runnerfleet:fleet": "ci", "x": "1"}})
	s.AddInstance(Instance{Tags: map[string]string{"runnerfleet:fleet": "other"}})
	c := ec2.NewFromConfig(s.Config())
	p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5),
		Filters: []types.Filter{filter("tag:runnerfleet:fleet", "ci"), filter("instance-state-name", "running", "stopped")}})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Reservations {
			n += len(r.Instances)
		}
	}
	if n != 13 || pages != 3 {
		t.Errorf("got %d instances in %d pages, want 13 in 3", n, pages)
	}
	out, err := c.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("tag-key", "x")}})
	if err != nil || len(out.Reservations) != 1 || aws.ToString(out.Reservations[0].Instances[0].InstanceId) != stopped ||
		out.Reservations[0].Instances[0].State.Name != types.InstanceStateNameStopped {
		t.Fatalf("tag-key filter: %+v, %v", out, err)
	}
	if _, err := c.CreateTags(t.Context(), &ec2.CreateTagsInput{Resources: []string{stopped},
		Tags: []types.Tag{{Key: aws.String("y"), Value: aws.String("2")}}}); err != nil || s.Tags(stopped)["y"] != "2" {
		t.Fatalf("CreateTags: %v, %v", s.Tags(stopped), err)
	}
	_, err = c.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{InstanceIds: []string{"i-nope"}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidInstanceID.NotFound" {
		t.Fatalf("unknown id: %v", err)
	}
	_, err = c.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("bogus", "1")}})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidParameterValue" {
		t.Fatalf("unknown filter: %v", err)
	}
}

func TestEC2TerminateRejectsOverThousand(t *testing.T) {
	s := New(t)
	ids := make([]string, 1001)
	for i := range ids {
		ids[i] = s.AddInstance(Instance{})
	}
	_, err := ec2.NewFromConfig(s.Config()).TerminateInstances(t.Context(), &ec2.TerminateInstancesInput{InstanceIds: ids})
	if err == nil {
		t.Fatal("1001 ids in one TerminateInstances accepted")
	}
}

func TestEC2InjectedNotFound(t *testing.T) {
	s := New(t)
	id := s.AddKeyPair(KeyPair{Name: "k"})
	s.FailNext("DeleteKeyPair", "InvalidKeyPair.NotFound", 1)
	c := ec2.NewFromConfig(s.Config())
	_, err := c.DeleteKeyPair(t.Context(), &ec2.DeleteKeyPairInput{KeyPairId: aws.String(id)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidKeyPair.NotFound" {
		t.Fatalf("injected NotFound: %v", err)
	}
	if _, err := c.DeleteKeyPair(t.Context(), &ec2.DeleteKeyPairInput{KeyPairId: aws.String(id)}); err != nil || len(s.KeyPairNames()) != 0 {
		t.Fatalf("delete after the fault: %v %v", err, s.KeyPairNames())
	}
}
