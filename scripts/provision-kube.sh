#!/usr/bin/env bash
# Provision the Kubernetes control plane the admission e2e test runs (test/e2e/kubernetes-admission.test.ts).
#
#   bash scripts/provision-kube.sh     # idempotent; a warm run takes seconds
#
# What it does (each step prints its elapsed time, a summary comes last):
#   1. kube-apiserver, kube-controller-manager and kubectl, built from the Go module proxy:
#      a scratch go.mod requires k8s.io/kubernetes vX and replaces every staging module that
#      module's own go.mod points at ./staging/... with the published v0.X.Y release (the module
#      zip carries no staging folder). One `go build` for the three commands, so the packages they
#      share compile once. Cached under $FASTDAPR_CACHE/kube/<version>/.
#   2. etcd from Debian: `apt-get download etcd-server` + `dpkg -x` (no service is installed or
#      started; the test runs etcd itself on loopback). Cached under $FASTDAPR_CACHE/etcd/<version>/.
#   3. Dapr's sidecar injector built from the same Dapr module as daprd (scripts/provision.sh),
#      and Dapr's CRDs from that module's charts/dapr/crds plus the injector's webhook template
#      (the test registers the same MutatingWebhookConfiguration the Helm chart creates).
#      Cached under $FASTDAPR_CACHE/dapr-injector/<version>/.
#   4. writes $FASTDAPR_CACHE/kube.json, read by test/e2e/harness/kube.ts.
#
# Environment:
#   FASTDAPR_CACHE          cache root (default $HOME/.cache/fastdapr)
#   FASTDAPR_KUBE_VERSION   Kubernetes version (default 1.37.2)
#   FASTDAPR_DAPR_VERSION   Dapr version (default: runtime-versions.json, the daprd provision.sh builds)
#   FASTDAPR_ETCD_DEB_VERSION  Debian etcd-server version (default: apt's candidate, remembered once unpacked)
#
# Go's module and build caches are the project's ($FASTDAPR_CACHE/go/{mod,build}), shared with
# provision.sh; the checksum database is not reachable from here, hence GOSUMDB=off.
set -euo pipefail

PROVISION_NAME=provision-kube STEP_WIDTH=34
LIB="$(dirname "${BASH_SOURCE[0]}")/lib"
source "$LIB/provision-common.sh"
# scratch_module, mod_dir and kube_go_build (the k8s.io/kubernetes go.mod recipe), shared with provision-cluster.sh
source "$LIB/kube-build.sh"
KUBE_VERSION="${FASTDAPR_KUBE_VERSION:-1.37.2}"
KUBE_VERSION="${KUBE_VERSION#v}"
DAPR_VERSION="${FASTDAPR_DAPR_VERSION:-$(pinned dapr)}"
DAPR_VERSION="${DAPR_VERSION#v}"
export GOSUMDB=off
command -v go >/dev/null || die "go not found (need Go >= the version in k8s.io/kubernetes' go.mod)"

# ---------------------------------------------------------------- 1. kubernetes
step "kubernetes ${KUBE_VERSION} (apiserver, controller-manager, kubectl)"
KUBE_DIR="$CACHE/kube/${KUBE_VERSION}"
KUBE_CMDS=(kube-apiserver kube-controller-manager kubectl)
kube_cached() {
  local c
  for c in "${KUBE_CMDS[@]}"; do [ -x "$KUBE_DIR/$c" ] || return 1; done
  [ -f "$KUBE_DIR/.complete" ]
}
if kube_cached; then
  done_step "cached $KUBE_DIR"
else
  rm -rf "$KUBE_DIR.tmp"
  kube_go_build "$KUBE_VERSION" "$KUBE_DIR.tmp" "${KUBE_CMDS[@]}"
  rm -rf "$KUBE_DIR"; mv "$KUBE_DIR.tmp" "$KUBE_DIR"
  touch "$KUBE_DIR/.complete"
  done_step "built $KUBE_DIR"
fi
"$KUBE_DIR/kube-apiserver" --version | grep -qx "Kubernetes v${KUBE_VERSION}" \
  || die "$KUBE_DIR/kube-apiserver reports '$("$KUBE_DIR/kube-apiserver" --version)'"

# ---------------------------------------------------------------- 2. etcd
step "etcd (Debian etcd-server)"
ETCD_ROOT="$CACHE/etcd"
etcd_candidate() { apt-cache policy etcd-server 2>/dev/null | sed -n 's/^[[:space:]]*Candidate: \(.*\)$/\1/p'; }
# the version is Debian's candidate; asking apt takes seconds, so a cached unpack is reused as is
# (FASTDAPR_ETCD_DEB_VERSION pins one; delete $ETCD_ROOT to pick up a newer candidate)
ETCD_DEB_VERSION="${FASTDAPR_ETCD_DEB_VERSION:-}"
if [ -z "$ETCD_DEB_VERSION" ] && [ -f "$ETCD_ROOT/version" ]; then ETCD_DEB_VERSION="$(cat "$ETCD_ROOT/version")"; fi
if [ -z "$ETCD_DEB_VERSION" ]; then
  ETCD_DEB_VERSION="$(etcd_candidate)"
  if [ -z "$ETCD_DEB_VERSION" ] || [ "$ETCD_DEB_VERSION" = "(none)" ]; then
    # a machine whose package lists were never fetched; `apt-get download` needs them
    apt_lock
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt_unlock
    ETCD_DEB_VERSION="$(etcd_candidate)"
  fi
fi
[ -n "$ETCD_DEB_VERSION" ] && [ "$ETCD_DEB_VERSION" != "(none)" ] || die "no etcd-server package in the apt sources"
ETCD_DIR="$ETCD_ROOT/${ETCD_DEB_VERSION//[^A-Za-z0-9.+-]/_}"
ETCD="$ETCD_DIR/usr/bin/etcd"
if [ -x "$ETCD" ]; then
  done_step "cached $ETCD"
else
  DEB_TMP="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-etcd.XXXXXX")"
  # _apt cannot write into root's temp folders; the download is only a file, nothing is installed
  ( cd "$DEB_TMP" && chmod 777 . && apt-get download -q "etcd-server=$ETCD_DEB_VERSION" >/dev/null ) \
    || die "apt-get download etcd-server=$ETCD_DEB_VERSION failed"
  rm -rf "$ETCD_DIR.tmp" && mkdir -p "$ETCD_DIR.tmp"
  dpkg -x "$DEB_TMP"/etcd-server_*.deb "$ETCD_DIR.tmp"
  rm -rf "$ETCD_DIR" && mv "$ETCD_DIR.tmp" "$ETCD_DIR"
  echo "$ETCD_DEB_VERSION" > "$ETCD_ROOT/version"
  rm -rf "$DEB_TMP"
  done_step "unpacked $ETCD"
fi
"$ETCD" --version >/dev/null 2>&1 || die "$ETCD does not run"

# ---------------------------------------------------------------- 3. dapr injector + CRDs
step "dapr injector ${DAPR_VERSION} + CRDs"
INJ_DIR="$CACHE/dapr-injector/${DAPR_VERSION}"
INJECTOR="$INJ_DIR/injector"
DAPR_CRDS="$INJ_DIR/crds"
if [ -x "$INJECTOR" ] && [ -f "$INJ_DIR/.complete" ]; then
  done_step "cached $INJ_DIR"
else
  rm -rf "$INJ_DIR.tmp" && mkdir -p "$INJ_DIR.tmp"
  dapr_go_build "$INJ_DIR.tmp/injector" "" injector
  # every CRD the Helm chart installs, and the chart's own webhook template for the test to read
  cp -r "$DAPR_MOD/charts/dapr/crds" "$INJ_DIR.tmp/crds"
  cp "$DAPR_MOD/charts/dapr/charts/dapr_sidecar_injector/templates/dapr_sidecar_injector_webhook_config.yaml" \
     "$DAPR_MOD/charts/dapr/charts/dapr_sidecar_injector/values.yaml" "$INJ_DIR.tmp/"
  chmod -R u+w "$INJ_DIR.tmp"
  touch "$INJ_DIR.tmp/.complete"
  rm -rf "$INJ_DIR" && mv "$INJ_DIR.tmp" "$INJ_DIR"
  dapr_build_cleanup
  done_step "built $INJECTOR"
fi

# ---------------------------------------------------------------- 4. kube.json
step "kube.json"
cat > "$CACHE/kube.json.tmp" <<JSON
{
  "kubernetesVersion": "$KUBE_VERSION",
  "kubeApiserver": "$KUBE_DIR/kube-apiserver",
  "kubeControllerManager": "$KUBE_DIR/kube-controller-manager",
  "kubectl": "$KUBE_DIR/kubectl",
  "etcd": "$ETCD",
  "etcdVersion": "$ETCD_DEB_VERSION",
  "daprVersion": "$DAPR_VERSION",
  "daprInjector": "$INJECTOR",
  "daprCrds": "$DAPR_CRDS",
  "daprInjectorChart": "$INJ_DIR"
}
JSON
mv -f "$CACHE/kube.json.tmp" "$CACHE/kube.json"
done_step "$CACHE/kube.json"

echo
echo "provision-kube summary (total $(( $(now) - T0 ))s, cache $CACHE):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "  kube-apiserver  $("$KUBE_DIR/kube-apiserver" --version)"
echo "  kubectl         $("$KUBE_DIR/kubectl" version --client 2>/dev/null | head -1)"
echo "  etcd            $("$ETCD" --version | head -1)"
echo "  dapr injector   $DAPR_VERSION $INJECTOR"
