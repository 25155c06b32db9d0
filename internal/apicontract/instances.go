package apicontract

// DescribeInstances (213/15728), the one CVM instance action that the
// provider calls: it reads the states of the instances that a key pair is
// bound to, so that a plan and an error name the running ones.
const (
	// DescribeInstancesRateLimit: "A maximum of 40 requests can be
	// initiated per second for this API" (DescribeInstances 213/15728; the
	// same figure in the CVM API category's table of frequency limits,
	// https://www.tencentcloud.com/document/product/213/568).
	DescribeInstancesRateLimit = 40

	// MaxInstanceIDsPerDescribe is the most InstanceIds of one
	// DescribeInstances call: "每次请求的实例的上限为100" (at most 100
	// instances per request, the SDK's DescribeInstancesRequestParams;
	// "A maximum of 100 instances are allowed for each request", 213/15728).
	// The parameter "does not support specifying both InstanceIds and
	// Filters" (the same texts).
	MaxInstanceIDsPerDescribe = 100

	// MaxDescribeInstancesLimit and DefaultDescribeInstancesLimit bound
	// its Limit: "返回数量，默认为20，最大值为100" (default 20, at most
	// 100; the SDK's DescribeInstancesRequestParams, and 213/15728).
	MaxDescribeInstancesLimit     = 100
	DefaultDescribeInstancesLimit = 20
)

// The values of an instance's InstanceState, as DescribeInstances answers
// them: the instance status table (Data types 213/15753#InstanceStatus),
// which the SDK's InstanceStatus.InstanceState comment quotes
// ("PENDING：表示创建中 ... TERMINATING：表示销毁中", tencentcloud/cvm/v20170312/
// models.go), and the instance life cycle (product documentation
// 213/4856). The rescue and live-migration states that the same comment
// lists are left out: nothing here makes or reads them.
//
// An id of no instance, or of an instance that is gone, is not an error
// of DescribeInstances: its list of errors (the SDK's client.go) has
// InvalidInstanceId.Malformed for an id of the wrong form but no
// InvalidInstanceId.NotFound, and such an id is simply absent from
// InstanceSet (inferred from that list; the actions that act on
// instances, such as AssociateInstancesKeyPairs, answer NotFound
// instead).
const (
	InstanceStatePending      = "PENDING"       // being created
	InstanceStateLaunchFailed = "LAUNCH_FAILED" // creation failed
	InstanceStateRunning      = "RUNNING"
	InstanceStateStopped      = "STOPPED"
	InstanceStateStarting     = "STARTING"
	InstanceStateStopping     = "STOPPING"
	InstanceStateRebooting    = "REBOOTING"
	InstanceStateShutdown     = "SHUTDOWN"    // stopped, waiting to be destroyed
	InstanceStateTerminating  = "TERMINATING" // being destroyed
)

// Of these states, only RUNNING is what AssociateInstancesKeyPairs and
// DisassociateInstancesKeyPairs refuse with CodeInstanceRunning: without
// ForceStop they take only STOPPED instances ("非强制关机场景下，仅支持对
// STOPPED 状态实例进行解绑操作", the SDK's client.go), and answer each other
// state with a code of its own (UnsupportedOperation.InstanceStateStarting,
// ...Stopping, ...Rebooting, ...Pending, ...Shutdown, ...Terminating, the
// same list of errors).
