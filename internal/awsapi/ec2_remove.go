package awsapi

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"

	"github.com/runnerfleet/runnerfleet/reconcile"
)

// Remove removes objects of one kind (see reconcile.Cloud). Each batch that fails is
// recorded per id in the result; the error joins the batches' errors (and wraps ErrThrottled
// when EC2 kept throttling).
func (e *EC2) Remove(ctx context.Context, kind string, ids []string) (reconcile.RemoveResult, error) {
	res := reconcile.RemoveResult{Failed: map[string]string{}}
	var batch int
	var call func(context.Context, []string, *reconcile.RemoveResult) error
	switch kind {
	case reconcile.KindInstance:
		batch, call = terminateBatch, e.terminate
	case reconcile.KindSpotRequest:
		batch, call = cancelSpotBatch, e.cancelSpot
	case reconcile.KindFleet:
		batch, call = deleteFleetBatch, e.deleteFleets
	case reconcile.KindKeyPair:
		batch, call = 1, e.deleteKeyPair
	default:
		return res, fmt.Errorf("unable to remove %s objects: unknown kind", kind)
	}
	var errs []error
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		if err := call(ctx, part, &res); err != nil {
			for _, id := range part {
				res.Failed[id] = err.Error()
			}
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// terminate terminates one batch. EC2 fails the whole call when one id is unknown and names
// the unknown ones: those are gone already, and the rest is tried once more.
func (e *EC2) terminate(ctx context.Context, ids []string, res *reconcile.RemoveResult) error {
	return retryWithoutMissing(ids, res, func(ids []string) error {
		res.Calls++
		_, err := e.client.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
		if err != nil {
			return fmt.Errorf("unable to terminate instances: %w", classifyEC2(err))
		}
		return nil
	})
}

func (e *EC2) cancelSpot(ctx context.Context, ids []string, res *reconcile.RemoveResult) error {
	return retryWithoutMissing(ids, res, func(ids []string) error {
		res.Calls++
		_, err := e.client.CancelSpotInstanceRequests(ctx, &ec2.CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: ids})
		if err != nil {
			return fmt.Errorf("unable to cancel spot instance requests: %w", classifyEC2(err))
		}
		return nil
	})
}

// deleteFleets deletes fleets with their instances terminated. EC2 reports each fleet's
// outcome; one that does not exist is gone already.
func (e *EC2) deleteFleets(ctx context.Context, ids []string, res *reconcile.RemoveResult) error {
	res.Calls++
	out, err := e.client.DeleteFleets(ctx, &ec2.DeleteFleetsInput{FleetIds: ids, TerminateInstances: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("unable to delete EC2 fleets: %w", classifyEC2(err))
	}
	for _, ok := range out.SuccessfulFleetDeletions {
		res.Removed = append(res.Removed, aws.ToString(ok.FleetId))
	}
	for _, bad := range out.UnsuccessfulFleetDeletions {
		id, code, msg := aws.ToString(bad.FleetId), "", ""
		if bad.Error != nil {
			code, msg = string(bad.Error.Code), aws.ToString(bad.Error.Message)
		}
		if code == "fleetIdDoesNotExist" {
			res.Removed = append(res.Removed, id)
			continue
		}
		res.Failed[id] = fmt.Sprintf("unable to delete EC2 fleet: %s: %s", code, msg)
	}
	return nil
}

func (e *EC2) deleteKeyPair(ctx context.Context, names []string, res *reconcile.RemoveResult) error {
	res.Calls++
	_, err := e.client.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(names[0])})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("unable to delete key pair %s: %w", names[0], classifyEC2(err))
	}
	res.Removed = append(res.Removed, names[0])
	return nil
}

var quotedIDs = regexp.MustCompile(`'([^']+)'`)

// retryWithoutMissing calls fn with ids; on a *.NotFound naming some of them, those count as
// removed and fn runs once more with the rest.
func retryWithoutMissing(ids []string, res *reconcile.RemoveResult, fn func([]string) error) error {
	err := fn(ids)
	if err == nil {
		res.Removed = append(res.Removed, ids...)
		return nil
	}
	missing := missingIDs(err, ids)
	if len(missing) == 0 {
		return err
	}
	var rest []string
	for _, id := range ids {
		if missing[id] {
			res.Removed = append(res.Removed, id)
		} else {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	if err := fn(rest); err != nil {
		return err
	}
	res.Removed = append(res.Removed, rest...)
	return nil
}

// missingIDs reads the ids a *.NotFound error names ("The instance IDs 'i-1, i-2' do not
// exist"), keeping only ids that were asked for.
func missingIDs(err error, asked []string) map[string]bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !strings.HasSuffix(apiErr.ErrorCode(), ".NotFound") {
		return nil
	}
	want := map[string]bool{}
	for _, id := range asked {
		want[id] = true
	}
	out := map[string]bool{}
	for _, m := range quotedIDs.FindAllStringSubmatch(apiErr.ErrorMessage(), -1) {
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.TrimSpace(id); want[id] {
				out[id] = true
			}
		}
	}
	return out
}

func isNotFound(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && strings.HasSuffix(apiErr.ErrorCode(), ".NotFound")
}

// classifyEC2 adds ErrThrottled to a throttling error the retryer gave up on.
func classifyEC2(err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "RequestLimitExceeded", "Throttling", "ThrottlingException":
			return fmt.Errorf("%w (%s, after the SDK's retries): %w", ErrThrottled, apiErr.ErrorCode(), err)
		}
	}
	return err
}
