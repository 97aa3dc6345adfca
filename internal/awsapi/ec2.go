package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

var _ reconcile.Cloud = (*EC2)(nil)

// ErrThrottled marks an EC2 call that was still throttled (RequestLimitExceeded) after the
// SDK's retryer gave up.
var ErrThrottled = errors.New("throttled by EC2")

// Batch sizes: EC2 takes at most 1000 instance ids per TerminateInstances, and 25 instant
// fleets per DeleteFleets.
const (
	terminateBatch   = 1000
	cancelSpotBatch  = 1000
	deleteFleetBatch = 25
	describePageSize = 1000
)

// EC2 lists and removes a fleet's worker objects: instances, spot instance requests, EC2
// fleets and key pairs.
type EC2 struct {
	client *ec2.Client
}

// NewEC2 returns an adapter over an EC2 client.
func NewEC2(client *ec2.Client) *EC2 { return &EC2{client: client} }

// NewEC2FromConfig returns an adapter over a new EC2 client built from cfg.
func NewEC2FromConfig(cfg aws.Config) *EC2 { return NewEC2(ec2.NewFromConfig(cfg)) }

// ListWorkers lists the fleet's worker objects (see reconcile.Cloud). Instances, spot
// requests and key pairs are filtered by tag on EC2's side; DescribeFleets has no tag filter,
// so fleets come back unfiltered by tag and the caller checks their tags, as it checks every
// object's.
func (e *EC2) ListWorkers(ctx context.Context, q reconcile.WorkerQuery) (reconcile.CloudObjects, error) {
	var out reconcile.CloudObjects
	for _, list := range []func(context.Context, reconcile.WorkerQuery, *reconcile.CloudObjects) error{
		e.listInstances, e.listSpotRequests, e.listFleets, e.listKeyPairs,
	} {
		if err := list(ctx, q, &out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// tagFilters selects the fleet's workers: runnerfleet:fleet=<fleet>, a runnerfleet:machine
// tag, and runnerfleet:manager=<manager> when one is given.
func tagFilters(q reconcile.WorkerQuery) []types.Filter {
	fs := []types.Filter{
		{Name: aws.String("tag:" + reconcile.TagFleet), Values: []string{q.Fleet}},
		{Name: aws.String("tag-key"), Values: []string{reconcile.TagMachine}},
	}
	if q.Manager != "" {
		fs = append(fs, types.Filter{Name: aws.String("tag:" + reconcile.TagManager), Values: []string{q.Manager}})
	}
	return fs
}

func (e *EC2) listInstances(ctx context.Context, q reconcile.WorkerQuery, out *reconcile.CloudObjects) error {
	in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(describePageSize), Filters: append(tagFilters(q),
		types.Filter{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}})}
	p := ec2.NewDescribeInstancesPaginator(e.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		out.Calls++
		if err != nil {
			return fmt.Errorf("unable to list instances: %w", classifyEC2(err))
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				state := ""
				if i.State != nil {
					state = string(i.State.Name)
				}
				out.Objects = append(out.Objects, reconcile.CloudObject{Kind: reconcile.KindInstance, ID: aws.ToString(i.InstanceId),
					State: state, Created: aws.ToTime(i.LaunchTime), Tags: tagMap(i.Tags)})
			}
		}
	}
	return nil
}

func (e *EC2) listSpotRequests(ctx context.Context, q reconcile.WorkerQuery, out *reconcile.CloudObjects) error {
	in := &ec2.DescribeSpotInstanceRequestsInput{MaxResults: aws.Int32(describePageSize), Filters: append(tagFilters(q),
		types.Filter{Name: aws.String("state"), Values: []string{"open", "active"}})}
	p := ec2.NewDescribeSpotInstanceRequestsPaginator(e.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		out.Calls++
		if err != nil {
			return fmt.Errorf("unable to list spot instance requests: %w", classifyEC2(err))
		}
		for _, r := range page.SpotInstanceRequests {
			out.Objects = append(out.Objects, reconcile.CloudObject{Kind: reconcile.KindSpotRequest, ID: aws.ToString(r.SpotInstanceRequestId),
				State: string(r.State), Created: aws.ToTime(r.CreateTime), Tags: tagMap(r.Tags)})
		}
	}
	return nil
}

// listFleets lists the request and maintain fleets that are not deleted (EC2 lists instant
// fleets only by id). DescribeFleets has no tag filter: the caller checks the tags.
func (e *EC2) listFleets(ctx context.Context, _ reconcile.WorkerQuery, out *reconcile.CloudObjects) error {
	live := []types.Filter{{Name: aws.String("fleet-state"), Values: []string{"submitted", "active", "modifying"}}}
	in := &ec2.DescribeFleetsInput{MaxResults: aws.Int32(describePageSize), Filters: live}
	p := ec2.NewDescribeFleetsPaginator(e.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		out.Calls++
		if err != nil {
			return fmt.Errorf("unable to list EC2 fleets: %w", classifyEC2(err))
		}
		for _, f := range page.Fleets {
			out.Objects = append(out.Objects, reconcile.CloudObject{Kind: reconcile.KindFleet, ID: aws.ToString(f.FleetId),
				State: string(f.FleetState), Created: aws.ToTime(f.CreateTime), Tags: tagMap(f.Tags)})
		}
	}
	return nil
}

// listKeyPairs: DescribeKeyPairs has no pagination; one call returns every match.
func (e *EC2) listKeyPairs(ctx context.Context, q reconcile.WorkerQuery, out *reconcile.CloudObjects) error {
	page, err := e.client.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{Filters: tagFilters(q)})
	out.Calls++
	if err != nil {
		return fmt.Errorf("unable to list key pairs: %w", classifyEC2(err))
	}
	for _, k := range page.KeyPairs {
		out.Objects = append(out.Objects, reconcile.CloudObject{Kind: reconcile.KindKeyPair, ID: aws.ToString(k.KeyName),
			Created: aws.ToTime(k.CreateTime), Tags: tagMap(k.Tags)})
	}
	return nil
}

func tagMap(tags []types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}
