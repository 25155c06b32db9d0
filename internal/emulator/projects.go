package emulator

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// describeProjectsParams are the parameters of the Tag API's
// DescribeProjects (DescribeProjects 651/78725; the SDK's
// tencentcloud/tag/v20180813/models.go, DescribeProjectsRequestParams).
type describeProjectsParams struct {
	AllList     *int64  `json:"AllList"`
	Limit       *int64  `json:"Limit"`
	Offset      *int64  `json:"Offset"`
	ProjectID   *int64  `json:"ProjectId"`
	ProjectName *string `json:"ProjectName"`
}

// projectView is one Project of the answer, with the fields of the SDK's
// Project and of the page's answer example: ProjectId, ProjectName,
// CreatorUin, ProjectInfo, CreateTime ("2021-10-13 11:03:30").
type projectView struct {
	ProjectID   int64  `json:"ProjectId"`
	ProjectName string `json:"ProjectName"`
	CreatorUin  uint64 `json:"CreatorUin"`
	ProjectInfo string `json:"ProjectInfo"`
	CreateTime  string `json:"CreateTime"`
}

// projectTimeZone is the zone of the API's times without an offset, such
// as CreateTime: China Standard Time, UTC+8, as the console shows them.
var projectTimeZone = time.FixedZone("CST", 8*60*60)

// projectName is the name of an emulated project: the emulator knows
// only ids (--projects).
func projectName(id int64) string { return "project_" + strconv.FormatInt(id, 10) }

// describeProjects lists the account's projects, sorted by id, a page of
// Limit from Offset, with Total counting every match. AllList, Limit and
// Offset are required, as the page marks them; Limit is "a fixed value of
// 1000" there, and the emulator takes any from 1 to 1000 and answers at
// most that many, so that a client that pages by Total passes. AllList 1
// would add hidden projects, which the emulator has none of.
//
// The default project, 0, is not listed: the page's answer example lists
// only a created project (1000101), and the default one is no project
// anyone created. That the real service leaves it out is inferred; a
// client must take project 0 as existing either way.
func (s *Server) describeProjects(_ string, body []byte) (map[string]any, *apiError) {
	var p describeProjectsParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.AllList == nil:
		return nil, missing("AllList")
	case p.Limit == nil:
		return nil, missing("Limit")
	case p.Offset == nil:
		return nil, missing("Offset")
	case *p.AllList != 0 && *p.AllList != 1:
		return nil, newError(apicontract.CodeInvalidParameter, "AllList must be 0 (projects shown) or 1 (hidden ones too), not %d.", *p.AllList)
	case *p.Limit < 1 || *p.Limit > apicontract.ProjectsPageLimit:
		return nil, newError(apicontract.CodeInvalidParameter, "Limit must be from 1 to %d, not %d.", apicontract.ProjectsPageLimit, *p.Limit)
	case *p.Offset < 0:
		return nil, newError(apicontract.CodeInvalidParameter, "Offset must not be negative, not %d.", *p.Offset)
	case p.ProjectID != nil && *p.ProjectID <= 0:
		return nil, newError(apicontract.CodeInvalidParameter, "ProjectId must be greater than 0, not %d.", *p.ProjectID)
	}
	var found []projectView
	for _, id := range slices.Sorted(maps.Keys(s.projects)) {
		if id == 0 || (p.ProjectID != nil && *p.ProjectID != id) {
			continue
		}
		name := projectName(id)
		if p.ProjectName != nil && *p.ProjectName != name {
			continue
		}
		found = append(found, projectView{
			ProjectID:   id,
			ProjectName: name,
			CreatorUin:  demoUinNumber,
			CreateTime:  s.projectsCreated.In(projectTimeZone).Format(time.DateTime),
		})
	}
	page := []projectView{}
	for i := *p.Offset; i < int64(len(found)) && i < *p.Offset+*p.Limit; i++ {
		page = append(page, found[i])
	}
	return map[string]any{"Total": len(found), "Projects": page}, nil
}

// demoUinNumber is DemoUin as the number that CreatorUin is.
var demoUinNumber = func() uint64 {
	n, err := strconv.ParseUint(DemoUin, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}()
