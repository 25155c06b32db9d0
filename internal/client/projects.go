package client

import (
	"context"
	"errors"
	"sync"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	"golang.org/x/sync/singleflight"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// DefaultProjectID is the default project, which every account has and
// which DescribeProjects need not list.
const DefaultProjectID = 0

// ProjectExists reports whether the account has the project id. The
// default project (0) always exists and costs no call. For the others,
// the first call lists the account's projects through the Tag API's
// DescribeProjects, hidden ones included, and keeps the list for the life
// of the client: a plan asks once however many key pairs it checks, and
// concurrent callers share that one listing. A failed listing is kept
// too, so that a plan whose listing failed does not send it again for
// every key pair; a listing cut short by a caller's context is not.
func (c *Client) ProjectExists(ctx context.Context, id int64) (bool, error) {
	if id == DefaultProjectID {
		return true, nil
	}
	if id < 0 {
		return false, nil
	}
	ids, err := c.projectList.get(ctx, c.listProjects)
	if err != nil {
		return false, err
	}
	return ids[id], nil
}

// listProjects pages through DescribeProjects (ProjectsPageLimit a page,
// the page's fixed value) until it has Total projects or a page is empty.
func (c *Client) listProjects(ctx context.Context) (map[int64]bool, error) {
	ids := map[int64]bool{}
	var listed uint64
	for {
		var page []*tag.Project
		var total uint64
		err := c.do(ctx, actDescribeProjects, func(ctx context.Context) (*string, error) {
			req := tag.NewDescribeProjectsRequest()
			// 1 lists hidden projects too: a key pair may be made in one.
			req.AllList = common.Uint64Ptr(1)
			req.Limit = common.Uint64Ptr(apicontract.ProjectsPageLimit)
			req.Offset = common.Uint64Ptr(listed)
			resp, err := c.tag.DescribeProjectsWithContext(ctx, req)
			if err != nil {
				return nil, err
			}
			if resp.Response == nil {
				return nil, incompleteAnswer(actDescribeProjects.name, "Response object")
			}
			page = resp.Response.Projects
			if resp.Response.Total != nil {
				total = *resp.Response.Total
			}
			return resp.Response.RequestId, nil
		})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p != nil && p.ProjectId != nil {
				ids[int64(*p.ProjectId)] = true
			}
		}
		listed += uint64(len(page))
		if len(page) == 0 || listed >= total {
			return ids, nil
		}
	}
}

// projectList is the account's projects as one client listed them.
type projectList struct {
	mu     sync.Mutex
	done   bool
	ids    map[int64]bool
	err    error
	flight singleflight.Group
}

// get returns the list, fetching it on the first call; concurrent first
// callers share one fetch. The fetch runs on the context of the caller
// that started it: when that context ends it, another caller whose own
// context goes on fetches once more, rather than fail for a plan that was
// not its own.
func (l *projectList) get(ctx context.Context, fetch func(context.Context) (map[int64]bool, error)) (map[int64]bool, error) {
	var ids map[int64]bool
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		l.mu.Lock()
		if l.done {
			l.mu.Unlock()
			return l.ids, l.err
		}
		l.mu.Unlock()
		var v any
		v, err, _ = l.flight.Do("projects", func() (any, error) {
			ids, err := fetch(ctx)
			if isContextError(err) {
				return nil, err
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			l.done, l.ids, l.err = true, ids, err
			return ids, err
		})
		ids, _ = v.(map[int64]bool)
		if !isContextError(err) || ctx.Err() != nil {
			break
		}
	}
	return ids, err
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
