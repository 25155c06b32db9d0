package client

import (
	"context"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// InstanceStates returns the InstanceState (apicontract.InstanceState*) of
// each of the instances that DescribeInstances shows, by id, with one call
// for every MaxInstanceIDsPerDescribe ids. An id of no instance, or of a
// terminated one, is absent from the map: the API does not answer it.
func (c *Client) InstanceStates(ctx context.Context, ids []string) (map[string]string, error) {
	states := map[string]string{}
	for start := 0; start < len(ids); start += apicontract.MaxInstanceIDsPerDescribe {
		chunk := ids[start:min(start+apicontract.MaxInstanceIDsPerDescribe, len(ids))]
		err := c.do(ctx, actDescribeInstances, func(ctx context.Context) (*string, error) {
			req := cvm.NewDescribeInstancesRequest()
			req.InstanceIds = common.StringPtrs(chunk)
			req.Limit = common.Int64Ptr(apicontract.MaxDescribeInstancesLimit)
			resp, err := c.cvm.DescribeInstancesWithContext(ctx, req)
			if err != nil {
				return nil, err
			}
			switch {
			case resp.Response == nil:
				return nil, incompleteAnswer(actDescribeInstances.name, "Response object")
			case resp.Response.InstanceSet == nil:
				// The API answers an empty list, never none.
				return resp.Response.RequestId, incompleteAnswer(actDescribeInstances.name, "InstanceSet")
			}
			for _, in := range resp.Response.InstanceSet {
				if in == nil || str(in.InstanceId) == "" || str(in.InstanceState) == "" {
					return resp.Response.RequestId, incompleteAnswer(actDescribeInstances.name, "instance id and state in an element of InstanceSet")
				}
				states[*in.InstanceId] = *in.InstanceState
			}
			return resp.Response.RequestId, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return states, nil
}

// RunningInstances returns those of ids that DescribeInstances shows
// RUNNING, in the order of ids, and the others.
func (c *Client) RunningInstances(ctx context.Context, ids []string) (running, others []string, err error) {
	states, err := c.InstanceStates(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		if states[id] == apicontract.InstanceStateRunning {
			running = append(running, id)
		} else {
			others = append(others, id)
		}
	}
	return running, others, nil
}
