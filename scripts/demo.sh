#!/usr/bin/env bash
# Runs examples/quickstart end to end against the local emulator: takes the
# provider and the emulator from PROVIDER_BIN and EMULATOR_BIN (make demo
# passes those of make build), else builds them; starts the emulator on a
# free port, applies the configuration, checks that a second plan is
# empty, destroys everything and stops the emulator. Nothing is downloaded: Terraform uses the provider
# built here through dev_overrides, so `terraform init` is not run.
#
# Exits 0 only when every step worked and the output shows no private key.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
READY_TIMEOUT=30 # seconds to wait for the emulator's "listening on" line
STOP_TIMEOUT=10  # seconds to wait for the emulator to exit after SIGTERM

# The emulator's built-in demo credentials.
DEMO_SECRET_ID=AKIDEMULATORDEMO00000000000000000000
DEMO_SECRET_KEY=emulator-demo-secret-key-0000000000

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tencentcloud-demo.XXXXXX")"
OUT="$WORK/output.log" # everything this script prints, checked at the end
EMULATOR_PID=""

cleanup() {
	local status=$?
	if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
		kill -TERM "$EMULATOR_PID" 2>/dev/null || true
		wait_for_exit "$EMULATOR_PID" || kill -KILL "$EMULATOR_PID" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s "$WORK/emulator.stderr" ]]; then
		echo "--- last lines of the emulator's log ---" >&2
		tail -n 40 "$WORK/emulator.stderr" >&2
	fi
	rm -rf "$WORK"
	if [[ $status -ne 0 ]]; then
		echo "demo: FAILED (exit status $status)" >&2
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# say prints a line and keeps it for the final check.
say() {
	printf '%s\n' "$*" | tee -a "$OUT"
}

# run runs a command and keeps its output for the final check. With pipefail
# its exit status is the command's.
run() {
	"$@" 2>&1 | tee -a "$OUT"
}

fail() {
	say "demo: $*" >&2
	exit 1
}

# wait_for_exit waits up to STOP_TIMEOUT seconds for a process to end.
wait_for_exit() {
	local pid=$1 i
	for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

step() {
	say ""
	say "==> $*"
}

command -v go >/dev/null || fail "go is not on PATH"
command -v terraform >/dev/null || fail "terraform is not on PATH"

mkdir -p "$WORK/providers" "$WORK/bin"
if [[ -n "${PROVIDER_BIN:-}" && -n "${EMULATOR_BIN:-}" ]]; then
	# make demo: the binaries of make build, which install and emulator
	# use too.
	cp "$PROVIDER_BIN" "$WORK/providers/terraform-provider-tencentcloud"
	cp "$EMULATOR_BIN" "$WORK/bin/tencentcloud-emulator"
else
	step "Building the provider and the emulator"
	(cd "$ROOT" && run go build -o "$WORK/providers/terraform-provider-tencentcloud" .)
	(cd "$ROOT" && run go build -o "$WORK/bin/tencentcloud-emulator" ./cmd/tencentcloud-emulator)
fi

step "Starting the emulator"
"$WORK/bin/tencentcloud-emulator" --listen 127.0.0.1:0 --key-bits 2048 --strict \
	>"$WORK/emulator.stdout" 2>"$WORK/emulator.stderr" &
EMULATOR_PID=$!
ENDPOINT=""
for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
	line="$(grep -m 1 -E '^listening on http://[^[:space:]]+$' "$WORK/emulator.stdout" || true)"
	if [[ -n "$line" ]]; then
		ENDPOINT="${line#listening on }"
		break
	fi
	kill -0 "$EMULATOR_PID" 2>/dev/null || fail "the emulator exited before it was ready"
	sleep 0.1
done
[[ -n "$ENDPOINT" ]] || fail "the emulator did not print 'listening on http://HOST:PORT' within ${READY_TIMEOUT}s"
say "emulator (pid $EMULATOR_PID) listening on $ENDPOINT"

# The CLI configuration points Terraform at the provider built above. Every
# Terraform variable of the caller that could change the run is cleared.
cat >"$WORK/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/keypairlabs/tencentcloud" = "$WORK/providers"
  }
  direct {}
}
EOF
unset TF_CLI_ARGS TF_CLI_ARGS_apply TF_CLI_ARGS_plan TF_CLI_ARGS_destroy TF_CLI_ARGS_output \
	TF_DATA_DIR TF_WORKSPACE TF_LOG TF_LOG_PATH TF_LOG_PROVIDER TF_PLUGIN_CACHE_DIR \
	TENCENTCLOUD_SECURITY_TOKEN
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TENCENTCLOUD_ENDPOINT="$ENDPOINT"
export TENCENTCLOUD_SECRET_ID="$DEMO_SECRET_ID"
export TENCENTCLOUD_SECRET_KEY="$DEMO_SECRET_KEY"
export TENCENTCLOUD_REGION=ap-guangzhou

mkdir "$WORK/quickstart"
cp "$ROOT"/examples/quickstart/*.tf "$ROOT"/examples/quickstart/*.pub "$WORK/quickstart/"
cd "$WORK/quickstart"

step "terraform apply"
run terraform apply -auto-approve -input=false -no-color

step "Created"
run terraform output -no-color -json
for name in generated imported; do
	id="$(terraform output -raw "${name}_key_id")"
	fingerprint="$(terraform output -raw "${name}_fingerprint")"
	[[ "$id" == skey-* ]] || fail "the $name key pair has the id '$id', not skey-..."
	[[ "$fingerprint" == SHA256:* ]] || fail "the $name key pair has the fingerprint '$fingerprint', not SHA256:..."
done
if command -v ssh-keygen >/dev/null; then
	want="$(ssh-keygen -l -E sha256 -f quickstart.pub | cut -d ' ' -f 2)"
	got="$(terraform output -raw imported_fingerprint)"
	[[ "$got" == "$want" ]] || fail "the imported key pair has the fingerprint $got, ssh-keygen says $want"
	say "The imported fingerprint matches ssh-keygen -lf quickstart.pub."
fi

# The generated private key must be in the state (the resource's purpose) but
# in nothing this script printed. It is read into a variable, never printed,
# and one line of its base64 body is searched for in the output below.
private_key="$(echo 'nonsensitive(tencentcloud_key_pair.generated.private_key)' | terraform console -no-color)"
[[ "$private_key" == *"-----BEGIN RSA PRIVATE KEY-----"* ]] ||
	fail "the generated key pair has no PEM (PKCS#1) private_key in the state"
private_key_line="$(printf '%s\n' "$private_key" | grep -m 1 -E '^[A-Za-z0-9+/=]{40,}$' || true)"
unset private_key
[[ -n "$private_key_line" ]] || fail "the generated private key has no base64 body"
[[ "$(terraform console -no-color <<<'nonsensitive(tencentcloud_key_pair.imported.private_key == null)')" == "true" ]] ||
	fail "the imported key pair has a private_key"
say "The generated private key is in the state (sensitive); the imported key pair has none."

step "terraform plan -detailed-exitcode (expecting no changes)"
if run terraform plan -detailed-exitcode -input=false -no-color; then
	plan_status=0
else
	plan_status=$?
fi
case $plan_status in
0) say "No changes: the state matches the configuration and the emulator." ;;
2) fail "the plan after apply is not empty (exit status 2)" ;;
*) fail "terraform plan failed (exit status $plan_status)" ;;
esac

step "terraform destroy"
run terraform destroy -auto-approve -input=false -no-color
[[ -z "$(terraform state list)" ]] || fail "the state is not empty after destroy"

step "Stopping the emulator"
kill -TERM "$EMULATOR_PID"
wait_for_exit "$EMULATOR_PID" || fail "the emulator did not exit within ${STOP_TIMEOUT}s of SIGTERM"
emulator_status=0
wait "$EMULATOR_PID" || emulator_status=$?
EMULATOR_PID=""
say "emulator stopped (exit status $emulator_status)"

step "Checking the output for private keys"
if grep -q 'PRIVATE KEY' "$OUT"; then
	fail "'PRIVATE KEY' appears in the demo's output"
fi
if grep -qF -- "$private_key_line" "$OUT"; then
	fail "the generated private key appears in the demo's output"
fi
say "No private key in the output."

say ""
say "demo: OK"
