package provider

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/acctest"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/sshkey"
)

// A key pair from public_key_wo through the terraform binary, as a user
// runs it: plan -out, show of the plan, apply of the plan, then a second
// apply that replaces the key pair with another key (public_key_wo_version),
// every command with TF_LOG=trace. Neither key, private or public, may be
// in the state, its backup, the saved plan (a zip, each entry searched),
// the trace logs or what the commands print: not one line of either
// private key, nor the base64 body of either public key.
func TestAccKeyPair_publicKeyWriteOnlyLeavesNoKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	tf := acctest.NewCLI(t, acctest.OurAddress)
	logs := t.TempDir()

	type localKey struct{ privatePEM, publicLine string }
	makeKey := func() localKey {
		pub, private, err := tfacctest.RandSSHKeyPair("alice@example")
		if err != nil {
			t.Fatal(err)
		}
		return localKey{private, pub}
	}
	keys := []localKey{makeKey(), makeKey()}

	// The key files are where a user keeps them, next to the
	// configuration: whatever Terraform copies of the configuration's
	// directory is searched too.
	config := func(version int) {
		tf.Write("id_rsa", keys[version-1].privatePEM)
		tf.Write("id_rsa.pub", keys[version-1].publicLine+"\n")
		tf.Write("main.tf", acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.OurProvider)+fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name              = "write_only_cli"
  public_key_wo         = file("${path.module}/id_rsa.pub")
  public_key_wo_version = %d
}

output "fingerprint" {
  value = tencentcloud_key_pair.test.fingerprint
}
`, version))
	}

	var captured []capturedOutput
	step := 0
	run := func(args ...string) string {
		t.Helper()
		step++
		logPath := filepath.Join(logs, fmt.Sprintf("%02d-%s.log", step, args[0]))
		env := tf.Env
		tf.Env = append(append([]string(nil), env...), "TF_LOG=trace", "TF_LOG_PATH="+logPath)
		_, _, out := tf.Run([]int{0}, append(args, "-no-color")...)
		tf.Env = env
		captured = append(captured, capturedOutput{name: strings.Join(args, " ") + " (output)", text: out})
		log, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatalf("terraform %s wrote no log: %v", args[0], err)
		}
		captured = append(captured, capturedOutput{name: strings.Join(args, " ") + " (TF_LOG_PATH)", text: string(log)})
		return out
	}

	config(1)
	run("plan", "-input=false", "-out=tfplan")
	run("show", "tfplan")
	captured = append(captured, planFileEntries(t, filepath.Join(tf.Dir, "tfplan"))...)
	run("apply", "-input=false", "tfplan")
	first := tf.Resources()["tencentcloud_key_pair.test"]
	if got, want := first.Values["fingerprint"], acctest.Fingerprint(t, keys[0].publicLine); got != want {
		t.Fatalf("fingerprint in the state = %v, want that of the first key, %s", got, want)
	}
	id, _ := first.Values["id"].(string)
	if kp, err := env.Client().DescribeKeyPair(t.Context(), id); err != nil || !sshkey.Same(kp.PublicKey, keys[0].publicLine) {
		t.Fatalf("key pair %s does not hold the first key: %v", id, err)
	}

	config(2)
	out := run("apply", "-input=false", "-auto-approve")
	if !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Fatalf("the new public_key_wo_version did not replace the key pair:\n%s", out)
	}
	second := tf.Resources()["tencentcloud_key_pair.test"]
	if got, want := second.Values["fingerprint"], acctest.Fingerprint(t, keys[1].publicLine); got != want {
		t.Fatalf("fingerprint in the state = %v, want that of the second key, %s", got, want)
	}
	for _, r := range []acctest.StateResource{first, second} {
		if v := r.Values["public_key"]; v != nil {
			t.Errorf("terraform show -json has public_key %v, want null", v)
		}
	}
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		raw, err := os.ReadFile(filepath.Join(tf.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		captured = append(captured, capturedOutput{name: name, text: string(raw)})
	}

	// What is searched for: every line of the PEM body of each private
	// key, and the base64 body of each public key.
	var secrets []string
	for _, k := range keys {
		for _, line := range strings.Split(k.privatePEM, "\n") {
			if line != "" && !strings.HasPrefix(line, "-----") {
				secrets = append(secrets, line)
			}
		}
		secrets = append(secrets, strings.Fields(k.publicLine)[1])
	}
	lines := 0
	for _, c := range captured {
		lines += strings.Count(c.text, "\n")
		for _, s := range secrets {
			if i := strings.Index(c.text, s); i >= 0 {
				t.Errorf("%s holds a line of a key: %q...", c.name, c.text[max(0, i-60):i])
				break
			}
		}
	}
	// The search had something to search: the provider's trace logs,
	// with the import among them.
	if !strings.Contains(strings.Join(logTexts(captured), ""), "ImportKeyPair") {
		t.Error("no ImportKeyPair in the trace logs: the provider's logs did not reach TF_LOG_PATH")
	}
	t.Logf("searched %d captures, %d lines, for %d lines of keys", len(captured), lines, len(secrets))
}

// planFileEntries returns each file of a saved plan, which is a zip.
func planFileEntries(t *testing.T, name string) []capturedOutput {
	t.Helper()
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Fatalf("the saved plan is not a zip: %v", err)
	}
	defer func() { _ = zr.Close() }()
	var out []capturedOutput
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, capturedOutput{name: "plan file entry " + f.Name, text: string(raw)})
	}
	if len(out) == 0 {
		t.Fatal("the saved plan has no entries")
	}
	return out
}

func logTexts(captured []capturedOutput) []string {
	var out []string
	for _, c := range captured {
		if strings.HasSuffix(c.name, "(TF_LOG_PATH)") {
			out = append(out, c.text)
		}
	}
	return out
}

// When DescribeKeyPairs does not show a key pair imported from
// public_key_wo, the state keeps its id, tainted; the refresh that follows
// reads the key pair, public key included, and keeps the public key out of
// the state all the same.
func TestAccKeyPair_publicKeyWriteOnlyReadBackFails(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	ctl := env.Control()
	if err := ctl.SetFaults(t.Context(), emulator.Faults{Rules: []emulator.FaultRule{{Action: "DescribeKeyPairs", Throttle: 1}}}); err != nil {
		t.Fatal(err)
	}
	pub := acctest.PublicKey(t)
	tf := acctest.NewCLI(t, acctest.OurAddress)
	// The create's timeout ends the wait for the key pair to show.
	tf.Write("main.tf", acctest.ProviderBlocks(env.Endpoint, acctest.Region, acctest.OurProvider)+fmt.Sprintf(`
resource "tencentcloud_key_pair" "test" {
  key_name              = "write_only_read_back"
  public_key_wo         = %q
  public_key_wo_version = 1

  timeouts {
    create = "5s"
  }
}
`, pub))

	_, _, out := tf.Run([]int{1}, "apply", "-no-color", "-auto-approve", "-input=false")
	if !strings.Contains(out, "imported but not readable") {
		t.Fatalf("the apply did not fail reading back:\n%s", out)
	}
	if err := ctl.SetFaults(t.Context(), emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	tf.Run([]int{0}, "apply", "-refresh-only", "-no-color", "-auto-approve", "-input=false")
	r := tf.Resources()["tencentcloud_key_pair.test"]
	if v := r.Values["public_key"]; v != nil {
		t.Errorf("after the refresh, public_key = %v, want null", v)
	}
	if got, want := r.Values["fingerprint"], acctest.Fingerprint(t, pub); got != want {
		t.Errorf("after the refresh, fingerprint = %v, want %s", got, want)
	}
	state, err := os.ReadFile(filepath.Join(tf.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), strings.Fields(pub)[1]) {
		t.Error("the state holds the public key")
	}
	tf.Run([]int{0}, "destroy", "-no-color", "-auto-approve", "-input=false")
}
