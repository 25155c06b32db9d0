package emulator

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	tagsdk "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// describeProjects calls DescribeProjects through the SDK.
func (e *testEnv) describeProjects(region string, allList, limit, offset uint64) (*tagsdk.DescribeProjectsResponseParams, error) {
	e.t.Helper()
	req := tagsdk.NewDescribeProjectsRequest()
	req.AllList, req.Limit, req.Offset = ptr(allList), ptr(limit), ptr(offset)
	resp, err := e.tag(region).DescribeProjects(req)
	if err != nil {
		return nil, err
	}
	return resp.Response, nil
}

// DescribeProjects answers the projects of --projects, sorted, in pages,
// with every field of the SDK's Project; project 0 exists but is not
// listed, as in the page's answer example.
func TestDescribeProjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Projects: []int64{1002, 0, 1001, 1003}})
	got, err := e.describeProjects("", 1, 1000, 0)
	if err != nil {
		t.Fatalf("DescribeProjects: %v", err)
	}
	var ids []uint64
	for _, p := range got.Projects {
		ids = append(ids, *p.ProjectId)
		if *p.ProjectName == "" || *p.CreatorUin != 100000000001 || p.ProjectInfo == nil {
			t.Errorf("project %d: name %q, creator %d, info %v", *p.ProjectId, *p.ProjectName, *p.CreatorUin, p.ProjectInfo)
		}
		// "2021-10-13 11:03:30", as in the page's example.
		if _, err := time.Parse(time.DateTime, *p.CreateTime); err != nil {
			t.Errorf("project %d: CreateTime %q: %v", *p.ProjectId, *p.CreateTime, err)
		}
	}
	if !slices.Equal(ids, []uint64{1001, 1002, 1003}) || *got.Total != 3 {
		t.Errorf("projects %v, total %d; want [1001 1002 1003], 3", ids, *got.Total)
	}

	// Pages of Limit from Offset; Total counts them all.
	page, err := e.describeProjects(testRegion, 0, 2, 1)
	if err != nil {
		t.Fatalf("DescribeProjects page: %v", err)
	}
	if len(page.Projects) != 2 || *page.Projects[0].ProjectId != 1002 || *page.Total != 3 {
		t.Errorf("page from 1 of 2: %d projects, first %d, total %d", len(page.Projects), *page.Projects[0].ProjectId, *page.Total)
	}
	past, err := e.describeProjects("", 0, 1000, 3)
	if err != nil || len(past.Projects) != 0 || *past.Total != 3 {
		t.Errorf("page past the end: %+v, %v", past, err)
	}
	if s := e.stats(); s.Calls["DescribeProjects"] != 3 {
		t.Errorf("stats count %d DescribeProjects calls, want 3", s.Calls["DescribeProjects"])
	}
}

// Without --projects the list is empty (and "Projects" is [], not null);
// more than 1000 projects take more than one page.
func TestDescribeProjectsEmptyAndMany(t *testing.T) {
	t.Parallel()
	empty := newEnv(t, Config{})
	_, _, body := empty.do(empty.raw(rawCall{Service: "tag", Action: "DescribeProjects", Body: `{"AllList":1,"Limit":1000,"Offset":0}`}))
	if !regexp.MustCompile(`"Total":0\b`).Match(body) || !regexp.MustCompile(`"Projects":\[\]`).Match(body) {
		t.Errorf("no projects: %s", body)
	}

	many := make([]int64, 2500)
	for i := range many {
		many[i] = int64(i + 1)
	}
	e := newEnv(t, Config{Projects: many})
	var seen []uint64
	for offset := uint64(0); ; offset += 1000 {
		page, err := e.describeProjects("", 1, 1000, offset)
		if err != nil {
			t.Fatal(err)
		}
		if *page.Total != 2500 {
			t.Fatalf("total %d, want 2500", *page.Total)
		}
		if len(page.Projects) == 0 {
			break
		}
		if len(page.Projects) > 1000 {
			t.Fatalf("a page of %d projects, more than the limit", len(page.Projects))
		}
		for _, p := range page.Projects {
			seen = append(seen, *p.ProjectId)
		}
	}
	if len(seen) != 2500 || seen[0] != 1 || seen[2499] != 2500 {
		t.Errorf("paged through %d projects, want 2500 from 1 to 2500", len(seen))
	}
}

// The parameters the page marks required, and the documented ranges; the
// filters by id and name.
func TestDescribeProjectsParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{Projects: []int64{1001, 1002}})
	for _, tt := range []struct {
		body, code string
		ids        []uint64
	}{
		{`{"AllList":0,"Limit":1000,"Offset":0}`, "", []uint64{1001, 1002}},
		{`{"AllList":1,"Limit":1000,"Offset":0,"ProjectId":1002}`, "", []uint64{1002}},
		{`{"AllList":1,"Limit":1000,"Offset":0,"ProjectId":9999}`, "", nil},
		{`{"AllList":1,"Limit":1000,"Offset":0,"ProjectName":"project_1001"}`, "", []uint64{1001}},
		{`{"Limit":1000,"Offset":0}`, "MissingParameter", nil},
		{`{"AllList":1,"Offset":0}`, "MissingParameter", nil},
		{`{"AllList":1,"Limit":1000}`, "MissingParameter", nil},
		{`{"AllList":2,"Limit":1000,"Offset":0}`, "InvalidParameter", nil},
		{`{"AllList":1,"Limit":0,"Offset":0}`, "InvalidParameter", nil},
		{`{"AllList":1,"Limit":1001,"Offset":0}`, "InvalidParameter", nil},
		{`{"AllList":1,"Limit":1000,"Offset":-1}`, "InvalidParameter", nil},
		{`{"AllList":1,"Limit":1000,"Offset":0,"ProjectId":0}`, "InvalidParameter", nil},
		{`{"AllList":1,"Limit":1000,"Offset":0,"Project":1}`, "UnknownParameter", nil},
		{`{"AllList":"1","Limit":1000,"Offset":0}`, "InvalidParameter", nil},
	} {
		code, msg, body := e.do(e.raw(rawCall{Service: "tag", Action: "DescribeProjects", Body: tt.body}))
		if code != tt.code {
			t.Errorf("%s: code %q (%s), want %q", tt.body, code, msg, tt.code)
			continue
		}
		if code != "" {
			continue
		}
		var answer struct {
			Response struct {
				Projects []struct{ ProjectId uint64 }
			}
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		var ids []uint64
		for _, p := range answer.Response.Projects {
			ids = append(ids, p.ProjectId)
		}
		if !slices.Equal(ids, tt.ids) {
			t.Errorf("%s: projects %v, want %v", tt.body, ids, tt.ids)
		}
	}
	// The Tag API is not regional, but a region it is given must exist.
	if _, err := e.describeProjects("ap-guangzou", 1, 1000, 0); errCode(err) != "UnsupportedRegion" {
		t.Errorf("unknown region: %v, want UnsupportedRegion", err)
	}
}
