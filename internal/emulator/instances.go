package emulator

import (
	"slices"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// DescribeInstances (213/15728), over the instances that the control API
// makes: their InstanceId, InstanceState and the key pairs bound to them
// (LoginSettings.KeyIds, "目前只返回实例所关联的密钥", only the bound key
// pairs, the SDK's Instance.LoginSettings), which is all the emulator
// knows of an instance. An instance shows only in its own region; a
// terminated one, like an id of no instance, is absent from InstanceSet,
// not an error (apicontract/instances.go).
//
// Filters are not served: the emulator refuses them with InvalidFilter
// rather than answer as if every instance matched.

type describeInstancesParams struct {
	InstanceIds []*string      `json:"InstanceIds"`
	Filters     []*filterParam `json:"Filters"`
	Offset      *int64         `json:"Offset"`
	Limit       *int64         `json:"Limit"`
}

// instanceView is an Instance object of InstanceSet, with the fields the
// emulator knows.
type instanceView struct {
	InstanceId    string
	InstanceState string
	LoginSettings loginSettingsView
}

type loginSettingsView struct {
	KeyIds []string
}

func (s *Server) describeInstances(region string, body []byte) (map[string]any, *apiError) {
	var p describeInstancesParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case len(p.InstanceIds) > 0 && len(p.Filters) > 0:
		return nil, newError(apicontract.CodeInvalidParameter, "InstanceIds and Filters cannot be given together.")
	case len(p.Filters) > 0:
		return nil, newError(apicontract.CodeInvalidFilter, "The emulator serves DescribeInstances by InstanceIds only, not by Filters.")
	case len(p.InstanceIds) > apicontract.MaxInstanceIDsPerDescribe:
		return nil, newError(apicontract.CodeParameterValueLimitExceeded, "At most %d instance ids may be given, not %d.", apicontract.MaxInstanceIDsPerDescribe, len(p.InstanceIds))
	}
	ids, apiErr := instanceIDs(p.InstanceIds)
	if apiErr != nil {
		return nil, apiErr
	}
	offset, limit, apiErr := page(p.Offset, p.Limit, apicontract.DefaultDescribeInstancesLimit, apicontract.MaxDescribeInstancesLimit)
	if apiErr != nil {
		return nil, apiErr
	}

	s.lockState()
	defer s.mu.Unlock()
	var found []instanceView
	for _, in := range s.st.Instances {
		if in.Region != region || !in.Terminated.IsZero() || (len(ids) > 0 && !slices.Contains(ids, in.ID)) {
			continue
		}
		keys := slices.Clone(in.KeyIDs)
		if keys == nil {
			keys = []string{}
		}
		found = append(found, instanceView{InstanceId: in.ID, InstanceState: in.State, LoginSettings: loginSettingsView{KeyIds: keys}})
	}
	slices.SortFunc(found, func(a, b instanceView) int { return strings.Compare(a.InstanceId, b.InstanceId) })
	return map[string]any{"TotalCount": len(found), "InstanceSet": pageOf(found, offset, limit)}, nil
}
