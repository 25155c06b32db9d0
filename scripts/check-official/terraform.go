package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// runTimeout bounds one terraform run: each does a few dozen API calls
// against a local emulator, in seconds.
const runTimeout = 5 * time.Minute

// workspace is a directory in which terraform runs, with the environment
// that points the official provider at the emulator.
type workspace struct {
	tf, dir string
	env     []string
	runs    int
}

// proxyVariables are the variables that decide which proxy Go's HTTP
// client, and so the official provider, uses (REQUEST_METHOD, set in CGI
// programs, makes it ignore HTTP_PROXY): the runner sets HTTP_PROXY
// alone, so that no NO_PROXY of the caller's keeps the API's hosts away
// from the emulator.
var proxyVariables = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "REQUEST_METHOD"}

// passedOn tells whether a variable of the caller's reaches terraform:
// not the provider's settings, which the runner sets, nor Terraform's
// own but its logging (TF_LOG, TF_LOG_PATH and the like), which help to
// see what a failed check did.
func passedOn(name string) bool {
	switch {
	case strings.HasPrefix(name, "TENCENTCLOUD_"), slices.Contains(proxyVariables, name):
		return false
	case strings.HasPrefix(name, "TF_"):
		return strings.HasPrefix(name, "TF_LOG")
	}
	return true
}

func newWorkspace(tf, dir, cliConfig, emulatorURL string) *workspace {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); passedOn(name) {
			env = append(env, kv)
		}
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TENCENTCLOUD_SECRET_ID="+secretID,
		"TENCENTCLOUD_SECRET_KEY="+secretKey,
		"TENCENTCLOUD_REGION="+region,
		// The official provider has no endpoint setting: it calls
		// http://<service>.tencentcloudapi.com/ through the proxy, which
		// is the emulator. This provider's blocks set endpoint instead,
		// and Go's client never sends calls to a loopback address
		// through a proxy.
		"TENCENTCLOUD_PROTOCOL=HTTP",
		"HTTP_PROXY="+emulatorURL,
	)
	return &workspace{tf: tf, dir: dir, env: env}
}

// write writes main.tf.
func (w *workspace) write(config string) error {
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o644)
}

// run runs terraform with args, keeps its output in a numbered log file
// of the workspace, and returns the exit code and the output.
func (w *workspace) run(ctx context.Context, args ...string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	w.runs++
	cmd := exec.CommandContext(ctx, w.tf, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	logName := fmt.Sprintf("%02d-%s.log", w.runs, args[0])
	_ = os.WriteFile(filepath.Join(w.dir, logName), []byte("$ terraform "+strings.Join(args, " ")+"\n"+out.String()), 0o644)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return -1, out.String(), fmt.Errorf("terraform %s did not end within %s", args[0], runTimeout)
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), nil
	case err != nil:
		return -1, out.String(), err
	}
	return 0, out.String(), nil
}

// apply runs terraform apply and returns its output; an apply that fails
// is an error with the end of the output.
func (w *workspace) apply(ctx context.Context) (string, error) {
	return w.mustSucceed(ctx, "apply", "-no-color", "-input=false", "-auto-approve")
}

// destroy runs terraform destroy.
func (w *workspace) destroy(ctx context.Context) (string, error) {
	return w.mustSucceed(ctx, "destroy", "-no-color", "-input=false", "-auto-approve")
}

func (w *workspace) mustSucceed(ctx context.Context, args ...string) (string, error) {
	code, out, err := w.run(ctx, args...)
	if err != nil {
		return out, err
	}
	if code != 0 {
		return out, fmt.Errorf("terraform %s exited %d:\n%s", args[0], code, tail(out, 30))
	}
	return out, nil
}

// plan runs terraform plan -detailed-exitcode and returns whether it
// plans a change (exit code 2) and its output.
func (w *workspace) plan(ctx context.Context) (bool, string, error) {
	code, out, err := w.run(ctx, "plan", "-no-color", "-input=false", "-detailed-exitcode")
	switch {
	case err != nil:
		return false, out, err
	case code == 0:
		return false, out, nil
	case code == 2:
		return true, out, nil
	}
	return false, out, fmt.Errorf("terraform plan exited %d:\n%s", code, tail(out, 30))
}

// planEmpty fails unless a plan finds no change.
func (w *workspace) planEmpty(ctx context.Context) error {
	changes, out, err := w.plan(ctx)
	if err != nil {
		return err
	}
	if changes {
		return fmt.Errorf("the plan is not empty:\n%s", tail(out, 40))
	}
	return nil
}

// resource is a resource of terraform show -json.
type resource struct {
	Address      string         `json:"address"`
	Mode         string         `json:"mode"`
	ProviderName string         `json:"provider_name"`
	Values       map[string]any `json:"values"`
}

// state reads the resources and data sources of the state, by address.
func (w *workspace) state(ctx context.Context) (map[string]resource, error) {
	out, err := w.mustSucceed(ctx, "show", "-json", "-no-color")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []resource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	rs := map[string]resource{}
	for _, r := range doc.Values.RootModule.Resources {
		rs[r.Address] = r
	}
	return rs, nil
}

// outputs reads the root module's outputs into dst, a pointer to a struct
// whose json tags name them.
func (w *workspace) outputs(ctx context.Context, dst any) error {
	out, err := w.mustSucceed(ctx, "output", "-json", "-no-color")
	if err != nil {
		return err
	}
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return fmt.Errorf("terraform output -json: %w", err)
	}
	values := map[string]json.RawMessage{}
	for k, v := range raw {
		values[k] = v.Value
	}
	b, err := json.Marshal(values)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// str is a string attribute of a resource's values, "" when absent.
func str(values map[string]any, name string) string {
	s, _ := values[name].(string)
	return s
}

// tagsOf is the tags attribute of a resource's values.
func tagsOf(values map[string]any) map[string]string {
	out := map[string]string{}
	m, _ := values["tags"].(map[string]any)
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}
