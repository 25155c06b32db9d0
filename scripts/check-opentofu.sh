#!/usr/bin/env bash
# Runs this provider under OpenTofu (TOFU_BIN, else tofu on PATH) against
# the local emulator, the way a user of OpenTofu would: `make install` into
# a home directory of its own, `tofu init` offline, examples/quickstart,
# import blocks by id and by name with -generate-config-out, and `moved`
# blocks from the official provider's tencentcloud_key_pair to this one.
# `make check-opentofu` runs it; it is opt-in (not in make test or CI),
# since it needs an OpenTofu binary that nothing here downloads.
#
# It prints one line per check, "ok", "FAIL" or "skip", and exits non-zero
# when any check failed. The output of every command of a failed check is
# printed after its line.
#
# Variables:
#   TOFU_BIN               the OpenTofu CLI (default: tofu on PATH).
#   TERRAFORM_BIN          the Terraform CLI for the check that `make
#                          install` serves Terraform too (default:
#                          terraform on PATH; skipped without one).
#   OFFICIAL_PROVIDER_BIN  the official tencentcloudstack/tencentcloud
#                          provider's binary. OpenTofu, like Terraform,
#                          needs the provider of every resource in the
#                          state, so a `moved` block from the official
#                          provider needs it installed; without it, the
#                          moved checks use this provider's binary under
#                          the official address as a stand-in, and say so.
#   CHECK_OPENTOFU_KEEP=1  keep the work directory (printed at the end).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
READY_TIMEOUT=30    # seconds to wait for the emulator's "listening on" line
STOP_TIMEOUT=10     # seconds to wait for the emulator to exit after SIGTERM
COMMAND_TIMEOUT=300 # seconds any one tofu or terraform command may take

# The emulator's built-in demo credentials.
DEMO_SECRET_ID=AKIDEMULATORDEMO00000000000000000000
DEMO_SECRET_KEY=emulator-demo-secret-key-0000000000
REGION=ap-guangzhou

# The version `make install` builds here, which the configurations ask for
# with a version constraint, as the README's do.
VERSION=0.0.1

# The addresses that a source of "keypairlabs/tencentcloud" and
# "tencentcloudstack/tencentcloud" mean to OpenTofu: its default registry
# host is registry.opentofu.org, not Terraform's registry.terraform.io.
OUR_ADDRESS=registry.opentofu.org/keypairlabs/tencentcloud
OFFICIAL_ADDRESS=registry.opentofu.org/tencentcloudstack/tencentcloud

die() {
	echo "check-opentofu: $*" >&2
	exit 2
}

TOFU_BIN="${TOFU_BIN:-$(command -v tofu || true)}"
[[ -n "$TOFU_BIN" ]] || die "no OpenTofu: set TOFU_BIN to a tofu binary (there is no tofu on PATH)"
[[ -f "$TOFU_BIN" && -x "$TOFU_BIN" ]] || die "TOFU_BIN=$TOFU_BIN is not an executable file"
TOFU_BIN="$(realpath "$TOFU_BIN")"
TERRAFORM_BIN="${TERRAFORM_BIN:-$(command -v terraform || true)}"
OFFICIAL_PROVIDER_BIN="${OFFICIAL_PROVIDER_BIN:-}"
if [[ -n "$OFFICIAL_PROVIDER_BIN" ]]; then
	[[ -f "$OFFICIAL_PROVIDER_BIN" && -x "$OFFICIAL_PROVIDER_BIN" ]] ||
		die "OFFICIAL_PROVIDER_BIN=$OFFICIAL_PROVIDER_BIN is not an executable file"
	OFFICIAL_PROVIDER_BIN="$(realpath "$OFFICIAL_PROVIDER_BIN")"
fi
command -v go >/dev/null || die "go is not on PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-opentofu.XXXXXX")"
EMULATOR_PID=""
FAILED=0

# wait_for_exit waits up to STOP_TIMEOUT seconds for a process to end.
wait_for_exit() {
	local pid=$1 i
	for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

cleanup() {
	local status=$?
	if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
		kill -TERM "$EMULATOR_PID" 2>/dev/null || true
		wait_for_exit "$EMULATOR_PID" || kill -KILL "$EMULATOR_PID" 2>/dev/null || true
	fi
	if [[ "${CHECK_OPENTOFU_KEEP:-}" == 1 ]]; then
		echo "check-opentofu: the work directory is kept in $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The Go settings that default to places under HOME are pinned before HOME
# moves to the work directory, so that `make install` builds from the
# module cache and build cache it always uses, offline.
for v in GOPATH GOMODCACHE GOCACHE GOENV; do
	export "$v=$(go env "$v")"
done

# Every run gets a home of its own: ~/.terraform.d/plugins there is the
# implied local mirror that `make install` fills, and no CLI configuration
# of the caller (~/.tofurc, ~/.terraformrc, TF_CLI_CONFIG_FILE) or variable
# that could change a run is in the way.
export HOME="$WORK/home"
mkdir -p "$HOME"
unset TF_CLI_CONFIG_FILE TERRAFORM_CONFIG TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_apply \
	TF_CLI_ARGS_destroy TF_CLI_ARGS_output TF_DATA_DIR TF_WORKSPACE TF_LOG TF_LOG_PATH TF_LOG_PROVIDER \
	TF_LOG_CORE TF_PLUGIN_CACHE_DIR TF_REGISTRY_DISCOVERY_RETRY XDG_CONFIG_HOME XDG_DATA_HOME \
	HTTP_PROXY HTTPS_PROXY http_proxy https_proxy NO_PROXY no_proxy ALL_PROXY all_proxy
while IFS='=' read -r name _; do
	[[ "$name" == TENCENTCLOUD_* ]] && unset "$name"
done < <(env)
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TENCENTCLOUD_SECRET_ID="$DEMO_SECRET_ID" TENCENTCLOUD_SECRET_KEY="$DEMO_SECRET_KEY" TENCENTCLOUD_REGION="$REGION"

# --- running checks -------------------------------------------------------

# check runs one check, a function, in a subshell with its output in a log
# of its own, and prints one line: "ok NAME (what the check printed to fd
# 3)" or "FAIL NAME: reason" followed by the log.
check() {
	local name=$1 fn=$2 log="$WORK/log/$2.log" status
	mkdir -p "$WORK/log"
	: >"$WORK/log/$fn.reason"
	: >"$WORK/log/$fn.note"
	set +e
	(
		set -eE
		REASON="$WORK/log/$fn.reason"
		trap 'echo "the command \`$BASH_COMMAND\` failed (exit status $?)" >>"$REASON"' ERR
		"$fn" 3>"$WORK/log/$fn.note"
	) >"$log" 2>&1
	status=$?
	set -e
	local note reason
	note="$(tr '\n' ' ' <"$WORK/log/$fn.note" | sed 's/ *$//')"
	reason="$(head -n 1 "$WORK/log/$fn.reason")"
	if [[ $status -eq 0 ]]; then
		printf 'ok   %s%s\n' "$name" "${note:+ ($note)}"
	elif [[ $status -eq 3 ]]; then
		printf 'skip %s: %s\n' "$name" "$note"
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %s: %s\n' "$name" "${reason:-exit status $status}"
		sed 's/^/     | /' "$log" | tail -n 60
	fi
}

# fail ends the check with a reason.
fail() {
	echo "$*" >"$REASON"
	exit 1
}

# skip ends the check as skipped, with a reason.
skip() {
	echo "$*" >&3
	exit 3
}

# note adds to the check's line.
note() {
	echo "$*" >&3
}

# tf runs OpenTofu in the current directory with a timeout, its output in
# the check's log; tfq does the same and prints nothing but stdout.
tf() {
	echo "+ tofu $*"
	timeout "$COMMAND_TIMEOUT" "$TOFU_BIN" "$@" -no-color 2>&1
}

tfq() {
	timeout "$COMMAND_TIMEOUT" "$TOFU_BIN" "$@"
}

# offline runs a command with every proxy variable at a closed port, so
# that any attempt to reach a registry fails at once instead of finding
# the provider there: a passing `init` found it locally.
offline() {
	HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 "$@"
}

# plan_is_empty fails the check unless a plan shows no changes.
plan_is_empty() {
	local status=0
	tf plan -detailed-exitcode -input=false "$@" >plan.out || status=$?
	cat plan.out
	case $status in
	0) ;;
	2) fail "the plan is not empty: $(grep -m 1 -E '^Plan:|will be|must be' plan.out || true)" ;;
	*) fail "tofu plan failed (exit status $status): $(grep -m 1 -E '^Error:' plan.out || true)" ;;
	esac
}

# destroy_all destroys what the current directory's state holds and fails
# the check unless the state is then empty.
destroy_all() {
	tf destroy -auto-approve -input=false "$@"
	[[ -z "$(tfq state list)" ]] || fail "the state is not empty after destroy"
}

# dev_overrides writes a CLI configuration that points OpenTofu at
# provider directories, "ADDRESS=DIR" each.
dev_overrides() {
	local file=$1 pair
	shift
	{
		echo 'provider_installation {'
		echo '  dev_overrides {'
		for pair in "$@"; do
			printf '    "%s" = "%s"\n' "${pair%%=*}" "${pair#*=}"
		done
		echo '  }'
		echo '  direct {}'
		echo '}'
	} >"$file"
}

# required_providers writes the terraform block of a configuration that
# uses this provider, as installed by make install.
required_providers() {
	cat <<EOF
terraform {
  required_providers {
    tencentcloud = {
      source  = "keypairlabs/tencentcloud"
      version = "$VERSION"
    }
  }
}

# The endpoint, credentials and region come from the environment.
provider "tencentcloud" {}
EOF
}

# --- the checks -----------------------------------------------------------

# make install puts the provider where OpenTofu looks for it.
check_install() {
	echo "+ make install VERSION=$VERSION (HOME=$HOME)"
	make -C "$ROOT" --no-print-directory install VERSION="$VERSION"
	local platform binary
	platform="$(go env GOOS)_$(go env GOARCH)"
	binary="terraform-provider-tencentcloud_v$VERSION"
	for address in "$OUR_ADDRESS" "registry.terraform.io/keypairlabs/tencentcloud"; do
		[[ -x "$HOME/.terraform.d/plugins/$address/$VERSION/$platform/$binary" ]] ||
			fail "make install put no $binary under ~/.terraform.d/plugins/$address/$VERSION/$platform"
	done
	note "~/.terraform.d/plugins/{registry.opentofu.org,registry.terraform.io}/keypairlabs/tencentcloud/$VERSION/$platform"
}

# tofu init finds it there offline, with source = "keypairlabs/tencentcloud".
check_tofu_init() {
	mkdir -p "$WORK/init-tofu" && cd "$WORK/init-tofu"
	required_providers >main.tf
	offline tf init -input=false
	grep -q "provider \"$OUR_ADDRESS\"" .terraform.lock.hcl ||
		fail ".terraform.lock.hcl does not record $OUR_ADDRESS"
	grep -q "version *= *\"$VERSION\"" .terraform.lock.hcl ||
		fail ".terraform.lock.hcl does not record version $VERSION"
	note "offline, $OUR_ADDRESS $VERSION in .terraform.lock.hcl"
}

# So does terraform init, from the same install.
check_terraform_init() {
	[[ -n "$TERRAFORM_BIN" ]] || skip "no terraform on PATH (set TERRAFORM_BIN)"
	mkdir -p "$WORK/init-terraform" && cd "$WORK/init-terraform"
	required_providers >main.tf
	echo "+ terraform init"
	offline timeout "$COMMAND_TIMEOUT" "$TERRAFORM_BIN" init -input=false -no-color 2>&1
	grep -q 'provider "registry.terraform.io/keypairlabs/tencentcloud"' .terraform.lock.hcl ||
		fail ".terraform.lock.hcl does not record registry.terraform.io/keypairlabs/tencentcloud"
	note "offline, $("$TERRAFORM_BIN" version | head -n 1)"
}

# examples/quickstart, as it is, through apply, an empty plan and destroy.
check_quickstart() {
	mkdir -p "$WORK/quickstart" && cd "$WORK/quickstart"
	cp "$ROOT"/examples/quickstart/*.tf "$ROOT"/examples/quickstart/*.pub .
	offline tf init -input=false
	tf apply -auto-approve -input=false
	local name id fingerprint
	for name in generated imported; do
		id="$(tfq output -raw "${name}_key_id")"
		fingerprint="$(tfq output -raw "${name}_fingerprint")"
		[[ "$id" == skey-* ]] || fail "the $name key pair has the id '$id', not skey-..."
		[[ "$fingerprint" == SHA256:* ]] || fail "the $name key pair has the fingerprint '$fingerprint'"
	done
	[[ "$(echo 'nonsensitive(tencentcloud_key_pair.generated.private_key != null)' | tfq console)" == true ]] ||
		fail "the generated key pair has no private_key in the state"
	plan_is_empty
	destroy_all
	note "apply, outputs, empty plan, destroy"
}

# Import blocks, one by id and one by name, with the configuration that
# tofu plan -generate-config-out writes; then an empty plan and destroy.
check_import() {
	# Two key pairs that no state holds: made by a configuration whose
	# state is then thrown away.
	mkdir -p "$WORK/import-seed" && cd "$WORK/import-seed"
	{
		required_providers
		cat <<'EOF'

resource "tencentcloud_key_pair" "by_id" {
  key_name    = "tofu_import_by_id"
  description = "imported by id"
  tags        = { check = "opentofu" }
}

resource "tencentcloud_key_pair" "by_name" {
  key_name = "tofu_import_by_name"
}

output "by_id" { value = tencentcloud_key_pair.by_id.id }
output "by_name" { value = tencentcloud_key_pair.by_name.id }
EOF
	} >main.tf
	offline tf init -input=false
	tf apply -auto-approve -input=false
	local by_id by_name
	by_id="$(tfq output -raw by_id)"
	by_name="$(tfq output -raw by_name)"
	rm -f terraform.tfstate terraform.tfstate.backup

	mkdir -p "$WORK/import" && cd "$WORK/import"
	{
		required_providers
		cat <<EOF

import {
  to = tencentcloud_key_pair.by_id
  id = "$by_id"
}

import {
  to = tencentcloud_key_pair.by_name
  id = "tofu_import_by_name"
}
EOF
	} >main.tf
	offline tf init -input=false
	tf plan -input=false -generate-config-out=generated.tf
	cat generated.tf
	grep -q 'resource "tencentcloud_key_pair" "by_id"' generated.tf &&
		grep -q 'resource "tencentcloud_key_pair" "by_name"' generated.tf ||
		fail "generated.tf lacks a resource block of the import"
	grep -q 'key_name *= *"tofu_import_by_name"' generated.tf ||
		fail "generated.tf does not give the key pair imported by name its key_name"
	grep -q 'description *= *"imported by id"' generated.tf ||
		fail "generated.tf does not give the key pair imported by id its description"
	tf apply -auto-approve -input=false >apply.out || { cat apply.out; fail "tofu apply of the imports failed"; }
	cat apply.out
	grep -q 'Resources: 2 imported, 0 added, 0 changed, 0 destroyed' apply.out ||
		fail "the apply did not import both key pairs alone: $(grep -m 1 '^Apply complete' apply.out || true)"
	[[ "$(echo 'tencentcloud_key_pair.by_name.id' | tfq console)" == "\"$by_name\"" ]] ||
		fail "the import by name took another key pair than $by_name"
	plan_is_empty
	destroy_all
	note "by id and by name, -generate-config-out, empty plan, destroy"
}

# official_dir prints a directory that holds the official provider's binary
# under the name dev_overrides looks for, or this provider's as the
# stand-in.
official_dir() {
	local dir="$WORK/official-provider"
	mkdir -p "$dir"
	if [[ -n "$OFFICIAL_PROVIDER_BIN" ]]; then
		ln -sf "$OFFICIAL_PROVIDER_BIN" "$dir/terraform-provider-tencentcloud"
	else
		cp "$WORK/ours/terraform-provider-tencentcloud" "$dir/terraform-provider-tencentcloud"
	fi
	echo "$dir"
}

# moved_config writes the configuration of a partial migration: the
# official provider stays as tencentcloud, this one comes in as kp, and the
# key pair tencentcloud_key_pair.old moves to tencentcloud_key_pair.new.
moved_config() {
	local key_name=$1
	cat <<EOF
terraform {
  required_providers {
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
    kp = {
      source = "keypairlabs/tencentcloud"
    }
  }
}

provider "tencentcloud" {
  protocol = "HTTP"
}

provider "kp" {}

resource "tencentcloud_key_pair" "new" {
  provider = kp
  key_name = "$key_name"
  tags     = { team = "platform" }
}

moved {
  from = tencentcloud_key_pair.old
  to   = tencentcloud_key_pair.new
}

output "private_key" {
  value     = tencentcloud_key_pair.new.private_key
  sensitive = true
}
EOF
}

# check_move plans and applies the move in the current directory, whose
# state holds tencentcloud_key_pair.old of the official provider, and
# checks the result: the move alone, the id and private key carried over,
# this provider in charge, then an empty plan.
check_move() {
	local id=$1 private_key=$2
	tf plan -input=false >plan.out || { cat plan.out; fail "tofu plan of the move failed: $(grep -m 1 '^Error:' plan.out || true)"; }
	cat plan.out
	grep -q 'tencentcloud_key_pair.old has moved to tencentcloud_key_pair.new' plan.out ||
		fail "the plan does not show the move"
	grep -q 'Plan: 0 to add, 0 to change, 0 to destroy' plan.out ||
		fail "the plan of the move changes something: $(grep -m 1 -E '^Plan:' plan.out || true)"
	tf apply -auto-approve -input=false
	plan_is_empty
	[[ "$(tfq state list)" == tencentcloud_key_pair.new ]] || fail "the state holds $(tfq state list | tr '\n' ' ')"
	grep -qF "provider[\\\"$OUR_ADDRESS\\\"]" terraform.tfstate ||
		fail "the moved key pair is not under $OUR_ADDRESS in the state"
	[[ "$(echo 'tencentcloud_key_pair.new.id' | tfq console)" == "\"$id\"" ]] || fail "the id did not carry over"
	[[ "$(tfq output -raw private_key)" == "$private_key" ]] || fail "the private key did not carry over"
	destroy_all
}

# A state written as the official provider leaves a generated key pair
# under Terraform (schema version 0, its attributes, the address
# registry.terraform.io/tencentcloudstack/tencentcloud) moves to this
# provider with a moved block. That is the state of a workspace that comes
# from Terraform: OpenTofu reads registry.terraform.io in a state as
# registry.opentofu.org for the providers whose full address the
# configuration does not give (internal/tofumigrate), so the official
# provider it needs is the one of OFFICIAL_ADDRESS.
check_moved_written() {
	# The key pair, made by this provider in a state that is then thrown
	# away; the output is its state in the official provider's layout,
	# as tencentcloud_key_pair.old of the official provider stores it
	# (public_key without its comment, force_stop null).
	mkdir -p "$WORK/moved-written-seed" && cd "$WORK/moved-written-seed"
	{
		required_providers
		cat <<'EOF'

resource "tencentcloud_key_pair" "seed" {
  key_name = "tofu_moved_written"
  tags     = { team = "platform" }
}

output "official_attributes" {
  sensitive = true
  value = jsonencode({
    id           = tencentcloud_key_pair.seed.id
    key_name     = tencentcloud_key_pair.seed.key_name
    public_key   = join(" ", slice(split(" ", tencentcloud_key_pair.seed.public_key), 0, 2))
    project_id   = 0
    tags         = { team = "platform" }
    private_key  = tencentcloud_key_pair.seed.private_key
    created_time = tencentcloud_key_pair.seed.created_time
    force_stop   = null
  })
}

output "id" { value = tencentcloud_key_pair.seed.id }
output "private_key" {
  value     = tencentcloud_key_pair.seed.private_key
  sensitive = true
}
EOF
	} >main.tf
	offline tf init -input=false
	tf apply -auto-approve -input=false
	local id private_key attributes
	id="$(tfq output -raw id)"
	private_key="$(tfq output -raw private_key)"
	attributes="$(tfq output -raw official_attributes)"
	rm -f terraform.tfstate terraform.tfstate.backup

	mkdir -p "$WORK/moved-written" && cd "$WORK/moved-written"
	moved_config tofu_moved_written >main.tf
	cat >terraform.tfstate <<EOF
{
  "version": 4,
  "terraform_version": "1.6.0",
  "serial": 1,
  "lineage": "6f0c1e52-8d3a-4b7e-9c21-0a4d5e6f7b80",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "tencentcloud_key_pair",
      "name": "old",
      "provider": "provider[\"registry.terraform.io/tencentcloudstack/tencentcloud\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": $attributes,
          "sensitive_attributes": [],
          "private": "bnVsbA=="
        }
      ]
    }
  ],
  "check_results": null
}
EOF
	# OpenTofu needs the provider of every resource in the state, the
	# official one included, even when the configuration no longer uses
	# it ("failed to instantiate provider ... to obtain schema:
	# unavailable provider"), so both are given through dev_overrides
	# (and so there is no tofu init).
	dev_overrides "$WORK/moved-written.tofurc" "$OUR_ADDRESS=$WORK/ours" "$OFFICIAL_ADDRESS=$(official_dir)"
	TF_CLI_CONFIG_FILE="$WORK/moved-written.tofurc" check_move "$id" "$private_key"
	if [[ -n "$OFFICIAL_PROVIDER_BIN" ]]; then
		note "the official provider's binary installed for its address"
	else
		note "with a stand-in for the official provider: this provider's binary under its address; set OFFICIAL_PROVIDER_BIN for the real one"
	fi
}

# Key pairs that the official provider itself created, through the
# emulator, move to this provider with a moved block.
check_moved_official() {
	[[ -n "$OFFICIAL_PROVIDER_BIN" ]] || skip "set OFFICIAL_PROVIDER_BIN to the official provider's binary"
	mkdir -p "$WORK/moved-official" && cd "$WORK/moved-official"
	dev_overrides "$WORK/moved-official.tofurc" "$OUR_ADDRESS=$WORK/ours" "$OFFICIAL_ADDRESS=$(official_dir)"
	export TF_CLI_CONFIG_FILE="$WORK/moved-official.tofurc"
	# The official provider cannot be pointed at a host and port: its
	# domain setting prefixes the service's name (cvm.DOMAIN). It reaches
	# the emulator as an HTTP proxy, over plain HTTP, and the emulator
	# answers the proxy-form requests for cvm. and tag.tencentcloudapi.com
	# (the --allow-host names it was started with). This provider's calls
	# to 127.0.0.1 bypass the proxy, as Go's clients do for loopback.
	export HTTP_PROXY="$ENDPOINT"
	cat >main.tf <<'EOF'
terraform {
  required_providers {
    tencentcloud = {
      source = "tencentcloudstack/tencentcloud"
    }
  }
}

provider "tencentcloud" {
  protocol = "HTTP"
}

resource "tencentcloud_key_pair" "old" {
  key_name = "tofu_moved_official"
  tags     = { team = "platform" }
}

output "id" { value = tencentcloud_key_pair.old.id }
output "private_key" {
  value     = tencentcloud_key_pair.old.private_key
  sensitive = true
}
EOF
	tf apply -auto-approve -input=false >apply.out || {
		cat apply.out
		fail "the official provider could not create its key pair through the emulator (this step needs the emulator to answer its proxy-form requests, HTTP_PROXY=$ENDPOINT with protocol HTTP): $(grep -m 1 -E 'Error' apply.out || true)"
	}
	cat apply.out
	local id private_key
	id="$(tfq output -raw id)"
	private_key="$(tfq output -raw private_key)"
	[[ "$id" == skey-* ]] || fail "the official provider's key pair has the id '$id'"
	[[ "$private_key" == *"PRIVATE KEY"* ]] || fail "the official provider's key pair has no private key in the state"
	grep -qF "provider[\\\"$OFFICIAL_ADDRESS\\\"]" terraform.tfstate ||
		fail "the key pair is not under $OFFICIAL_ADDRESS in the state"

	moved_config tofu_moved_official >main.tf
	check_move "$id" "$private_key"
	note "created by the official provider, OFFICIAL_PROVIDER_BIN"
}

# --- main -----------------------------------------------------------------

echo "check-opentofu: $("$TOFU_BIN" version | head -n 1) ($TOFU_BIN), work directory $WORK"

# The emulator and this provider's binary for the dev_overrides of the
# moved checks, built once.
mkdir -p "$WORK/bin" "$WORK/ours"
(cd "$ROOT" && go build -o "$WORK/bin/tencentcloud-emulator" ./cmd/tencentcloud-emulator) ||
	die "go build of the emulator failed"
(cd "$ROOT" && go build -o "$WORK/ours/terraform-provider-tencentcloud" .) ||
	die "go build of the provider failed"

# The default emulator, with no flags but the names the official provider
# sends as its Host through a proxy: the one that models only what the API
# documents or real clients show.
"$WORK/bin/tencentcloud-emulator" --listen 127.0.0.1:0 --key-bits 2048 \
	--allow-host cvm.tencentcloudapi.com --allow-host tag.tencentcloudapi.com \
	>"$WORK/emulator.stdout" 2>"$WORK/emulator.stderr" &
EMULATOR_PID=$!
ENDPOINT=""
for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
	line="$(grep -m 1 -E '^listening on http://[^[:space:]]+$' "$WORK/emulator.stdout" || true)"
	if [[ -n "$line" ]]; then
		ENDPOINT="${line#listening on }"
		break
	fi
	kill -0 "$EMULATOR_PID" 2>/dev/null || die "the emulator exited before it was ready: $(tail -n 5 "$WORK/emulator.stderr")"
	sleep 0.1
done
[[ -n "$ENDPOINT" ]] || die "the emulator did not print 'listening on http://HOST:PORT' within ${READY_TIMEOUT}s"
echo "check-opentofu: emulator (default, no flags) on $ENDPOINT"
export TENCENTCLOUD_ENDPOINT="$ENDPOINT"

check "make install" check_install
if [[ $FAILED -eq 0 ]]; then
	check "tofu init, offline" check_tofu_init
	check "terraform init, offline" check_terraform_init
	check "quickstart" check_quickstart
	check "import blocks" check_import
	check "moved, from a state the official provider wrote" check_moved_written
	check "moved, from key pairs the official provider created" check_moved_official
fi

if [[ $FAILED -gt 0 ]]; then
	echo "check-opentofu: $FAILED check(s) FAILED" >&2
	exit 1
fi
echo "check-opentofu: OK"
