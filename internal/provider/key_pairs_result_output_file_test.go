package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// checkReplacedSymlink checks that file, which was a symbolic link to
// victim, is now a regular file with the data source's list, and that
// victim still holds what it held.
func checkReplacedSymlink(file, victim, victimText string) error {
	info, err := os.Lstat(file)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is %s, want a regular file", file, info.Mode().Type())
	}
	got, err := os.ReadFile(victim)
	if err != nil {
		return fmt.Errorf("the symbolic link's target: %w", err)
	}
	if string(got) != victimText {
		return fmt.Errorf("the symbolic link's target %s was written through the link: %q", victim, got)
	}
	return nil
}

// A symbolic link at result_output_file, planted before Terraform reads
// the data source, is replaced by the file, through real Terraform: the
// file it points to is not written, nor made when it does not exist.
func TestAccKeyPairsDataSource_resultOutputFileSymlink(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.SkipInCloud()
	env.SeedKeyPair("symlink_target", 0, "", nil)
	dir, outside := t.TempDir(), t.TempDir()
	output := filepath.Join(dir, "key_pairs.json")
	victim := filepath.Join(outside, "authorized_keys")
	absent := filepath.Join(outside, "absent")
	const victimText = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlanted victim\n"
	config := env.ProviderConfig() + fmt.Sprintf(`
data "tencentcloud_key_pairs" "all" {
  result_output_file = %q
}
`, output)
	plant := func(target string) func() {
		return func() {
			if err := os.Remove(output); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if err := os.Symlink(target, output); err != nil {
				t.Fatal(err)
			}
		}
	}
	written := resource.ComposeTestCheckFunc(
		func(*terraform.State) error { return checkReplacedSymlink(output, victim, victimText) },
		checkResultOutputFile("data.tencentcloud_key_pairs.all", output),
		func(*terraform.State) error { return checkDirHolds(dir, "key_pairs.json") },
	)
	writeTestFile(t, victim, victimText, 0o600)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: plant(victim),
				Config:    config,
				Check:     written,
			},
			{
				// A link to nothing: writing through it would make the
				// file it names.
				PreConfig: plant(absent),
				Config:    config,
				Check: resource.ComposeTestCheckFunc(written,
					func(*terraform.State) error { return checkDirHolds(outside, "authorized_keys") }),
			},
		},
	})
}

// checkDirHolds checks that dir holds the given names and nothing else,
// such as a temporary file left behind.
func checkDirHolds(dir string, want ...string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		return fmt.Errorf("%s holds %v, want %v", dir, names, want)
	}
	return nil
}

func TestWriteResultOutputFile(t *testing.T) {
	t.Parallel()
	items := []keyPairListItem{{
		KeyID: types.StringValue("skey-abcd1234"), KeyName: types.StringValue("one"), ProjectID: types.Int64Value(0),
		PublicKey: types.StringValue("ssh-ed25519 AAAA"), CreateTime: types.StringValue("2024-01-02T03:04:05Z"),
	}}
	const want = "[\n\t{\n\t\t\"create_time\": \"2024-01-02T03:04:05Z\",\n\t\t\"key_id\": \"skey-abcd1234\",\n\t\t\"key_name\": \"one\",\n" +
		"\t\t\"project_id\": 0,\n\t\t\"public_key\": \"ssh-ed25519 AAAA\"\n\t}\n]"
	const victimText = "do not touch\n"

	// mode is the mode os.WriteFile gives a new file of resultOutputFileMode
	// under this process's umask, which the file must keep.
	modeDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(modeDir, "ref"), nil, resultOutputFileMode); err != nil {
		t.Fatal(err)
	}
	ref, err := os.Stat(filepath.Join(modeDir, "ref"))
	if err != nil {
		t.Fatal(err)
	}
	mode := ref.Mode().Perm()

	for _, c := range []struct {
		name string
		// plant puts something at file, given a file outside dir that
		// must stay as it is.
		plant func(t *testing.T, file, victim string)
		err   string // a pattern of the error, "" for success
	}{
		{name: "new file", plant: func(*testing.T, string, string) {}},
		{name: "existing file", plant: func(t *testing.T, file, _ string) {
			writeTestFile(t, file, "old content that is longer than the new one"+strings.Repeat(".", 400), 0o644)
		}},
		{
			// The official provider leaves its files read-only.
			name: "read-only file", plant: func(t *testing.T, file, _ string) { writeTestFile(t, file, "old", 0o400) },
		},
		{name: "symbolic link to a file", plant: func(t *testing.T, file, victim string) { symlinkTestFile(t, victim, file) }},
		{
			name: "dangling symbolic link", plant: func(t *testing.T, file, victim string) {
				if err := os.Remove(victim); err != nil {
					t.Fatal(err)
				}
				symlinkTestFile(t, victim, file)
			},
		},
		{name: "symbolic link to a directory", plant: func(t *testing.T, file, victim string) { symlinkTestFile(t, filepath.Dir(victim), file) }},
		{
			name: "directory", err: `is a directory`,
			plant: func(t *testing.T, file, _ string) {
				if err := os.Mkdir(file, 0o700); err != nil {
					t.Fatal(err)
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir, outside := t.TempDir(), t.TempDir()
			file := filepath.Join(dir, "out.json")
			victim := filepath.Join(outside, "victim")
			writeTestFile(t, victim, victimText, 0o600)
			c.plant(t, file, victim)
			victimBefore, victimErr := os.ReadFile(victim)

			err := writeResultOutputFile(file, items)
			if c.err != "" {
				if err == nil || !regexp.MustCompile(c.err).MatchString(err.Error()) {
					t.Fatalf("error %v, want %s", err, c.err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				info, err := os.Lstat(file)
				if err != nil {
					t.Fatal(err)
				}
				if !info.Mode().IsRegular() || info.Mode().Perm() != mode {
					t.Errorf("%s: mode %s, want a regular file of mode %s", file, info.Mode(), mode)
				}
				if got, err := os.ReadFile(file); err != nil || string(got) != want {
					t.Errorf("%s holds %q (%v), want %q", file, got, err, want)
				}
			}
			// Nothing outside dir changed, and no temporary file is left.
			victimAfter, err := os.ReadFile(victim)
			if string(victimAfter) != string(victimBefore) || errors.Is(err, fs.ErrNotExist) != errors.Is(victimErr, fs.ErrNotExist) {
				t.Errorf("%s was %q (%v), is %q (%v)", victim, victimBefore, victimErr, victimAfter, err)
			}
			var outsideWant []string
			if victimErr == nil {
				outsideWant = []string{"victim"}
			}
			if err := checkDirHolds(outside, outsideWant...); err != nil {
				t.Error(err)
			}
			if err := checkDirHolds(dir, "out.json"); err != nil {
				t.Error(err)
			}
		})
	}
}

// A symbolic link planted again and again at the file, as an attacker
// with write access to its directory would race to plant one between a
// check and the write, never sends the write to the file it points to.
// Without the rename, a link landed between removing the old file and
// writing the new one within ten writes.
func TestWriteResultOutputFile_symlinkRace(t *testing.T) {
	t.Parallel()
	dir, outside := t.TempDir(), t.TempDir()
	file := filepath.Join(dir, "out.json")
	victim := filepath.Join(outside, "victim")
	const victimText = "do not touch\n"
	writeTestFile(t, victim, victimText, 0o600)
	// Each planted link gets a name of its own, renamed into place, so
	// that the attacker never removes the file, only replaces it.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			link := filepath.Join(dir, fmt.Sprintf("link%d", i))
			if os.Symlink(victim, link) == nil {
				_ = os.Rename(link, file)
			}
		}
	}()
	deadline := time.Now().Add(time.Second)
	writes := 0
	for ; writes < 20000 && time.Now().Before(deadline); writes++ {
		if err := writeResultOutputFile(file, nil); err != nil {
			t.Errorf("write %d: %v", writes, err)
			break
		}
		if got, err := os.ReadFile(victim); err != nil || string(got) != victimText {
			t.Errorf("write %d went through a planted link: the link's target holds %q (%v)", writes+1, got, err)
			break
		}
	}
	close(stop)
	<-done
}

// A file that cannot be written leaves no temporary file behind.
func TestWriteResultOutputFile_noDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := writeResultOutputFile(filepath.Join(dir, "missing", "out.json"), nil)
	if err == nil || !strings.Contains(err.Error(), "out.json") {
		t.Fatalf("error %v, want one that names the file", err)
	}
	if err := checkDirHolds(dir); err != nil {
		t.Error(err)
	}
}

func writeTestFile(t *testing.T, file, text string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(file, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

func symlinkTestFile(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
