#!/usr/bin/env bash
# Provision the single-node Kubernetes cluster test/e2e/cluster-*.test.ts start and stop
# (test/e2e/harness/cluster.ts). Run after provision.sh (daprd, sentry), provision-kube.sh
# (apiserver, controller-manager, kubectl, etcd, injector) and provision-docker.sh (the private
# dockerd and the stand-in images): it adds what a node needs on top of them.
#
#   bash scripts/provision-cluster.sh     # idempotent; a warm run takes seconds
#
# Steps (each prints its elapsed time, a summary comes last):
#   1. apt: containerd, runc, containernetworking-plugins (bridge, host-local, loopback, portmap),
#      ipset and conntrack (kube-router's and kube-proxy's tools), only when missing
#   2. kubelet, kube-scheduler, kube-proxy from the same k8s.io/kubernetes build as provision-kube.sh
#      (scripts/lib/kube-build.sh: same go.mod and ldflags, so the shared packages are cached)
#   3. Dapr's operator, placement and scheduler from the same Dapr module as daprd/sentry/injector,
#      and the Dapr Helm chart (charts/dapr of that module)
#   4. CoreDNS, kube-router (NetworkPolicy enforcement, firewall mode only) and helm, each
#      `go install <module>@<version>` from the Go module proxy
#   5. images, built in the private dockerd and saved as tarballs the harness imports into its
#      containerd's k8s.io namespace (no registry is reachable): the pod sandbox (pause, from
#      scripts/lib/cluster-pause), the six Dapr control-plane/sidecar images under the names the
#      chart composes (<registry>/<name>:<tag>), CoreDNS; the Redis and OpenTelemetry Collector stand-ins are saved from
#      provision-docker.sh's images (the dev overlay runs both)
#   6. writes $FASTDAPR_CACHE/cluster.json, read by test/e2e/harness/cluster.ts
#
# Environment:
#   FASTDAPR_CACHE              cache root (default $HOME/.cache/fastdapr)
#   FASTDAPR_KUBE_VERSION       Kubernetes version (default 1.37.2, as provision-kube.sh)
#   FASTDAPR_COREDNS_VERSION    (default 1.15.0)   FASTDAPR_KUBE_ROUTER_VERSION (default 2.1.0)
#   FASTDAPR_HELM_VERSION       (default 3.22.0)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

PROVISION_NAME=provision-cluster STEP_WIDTH=44
source scripts/lib/provision-common.sh
source scripts/lib/kube-build.sh
KUBE_VERSION="${FASTDAPR_KUBE_VERSION:-1.37.2}"; KUBE_VERSION="${KUBE_VERSION#v}"
COREDNS_VERSION="${FASTDAPR_COREDNS_VERSION:-1.15.0}"
KUBE_ROUTER_VERSION="${FASTDAPR_KUBE_ROUTER_VERSION:-2.1.0}"
HELM_VERSION="${FASTDAPR_HELM_VERSION:-3.22.0}"
DAPR_VERSION="$(pinned dapr)"; DAPR_VERSION="${DAPR_VERSION#v}"
# the registry part of the Dapr image names (the chart's global.registry); nothing is pulled from it
DAPR_REGISTRY="fastdapr.local/dapr"
PAUSE_IMAGE="fastdapr.local/pause:1"
COREDNS_IMAGE="fastdapr.local/coredns:${COREDNS_VERSION}"
ROOT="$CACHE/cluster"
mkdir -p "$ROOT"
export GOSUMDB=off
command -v go >/dev/null || die "go not found"
[ -f "$CACHE/runtime.json" ] || die "$CACHE/runtime.json missing: run scripts/provision.sh first"
[ -f "$CACHE/kube.json" ] || die "$CACHE/kube.json missing: run scripts/provision-kube.sh first"
json() { node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))[process.argv[2]]" "$1" "$2"; }

# ---------------------------------------------------------------- 1. apt
step "apt packages"
missing=()
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
command -v ipset >/dev/null 2>&1 || missing+=(ipset)
command -v conntrack >/dev/null 2>&1 || missing+=(conntrack)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
  done_step "installed ${missing[*]}"
else
  done_step "nothing missing"
fi

# ---------------------------------------------------------------- 2. kubelet, scheduler, proxy
step "kubernetes ${KUBE_VERSION} (kubelet, scheduler, proxy)"
NODE_DIR="$ROOT/kube-${KUBE_VERSION}"
NODE_CMDS=(kubelet kube-scheduler kube-proxy)
if [ -f "$NODE_DIR/.complete" ]; then
  done_step "cached $NODE_DIR"
else
  rm -rf "$NODE_DIR.tmp"
  kube_go_build "$KUBE_VERSION" "$NODE_DIR.tmp" "${NODE_CMDS[@]}"
  touch "$NODE_DIR.tmp/.complete"
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
  done_step "built $NODE_DIR"
fi
"$NODE_DIR/kubelet" --version | grep -qx "Kubernetes v${KUBE_VERSION}" || die "$NODE_DIR/kubelet reports '$("$NODE_DIR/kubelet" --version)'"

# ---------------------------------------------------------------- 3. dapr control plane + chart
step "dapr ${DAPR_VERSION} operator, placement, scheduler + chart"
DAPR_DIR="$ROOT/dapr-${DAPR_VERSION}"
if [ -f "$DAPR_DIR/.complete" ]; then
  done_step "cached $DAPR_DIR"
else
  rm -rf "$DAPR_DIR.tmp" && mkdir -p "$DAPR_DIR.tmp"
  dapr_go_build "$DAPR_DIR.tmp/" "" operator placement scheduler
  cp -r "$DAPR_MOD/charts/dapr" "$DAPR_DIR.tmp/chart"
  chmod -R u+w "$DAPR_DIR.tmp"
  dapr_build_cleanup
  touch "$DAPR_DIR.tmp/.complete"
  rm -rf "$DAPR_DIR" && mv "$DAPR_DIR.tmp" "$DAPR_DIR"
  done_step "built $DAPR_DIR"
fi

# ---------------------------------------------------------------- 4. coredns, kube-router, helm
go_install() { # <name> <package@version> <dir>: GOBIN=<dir> go install, cached by <dir>/.complete
  local name=$1 pkg=$2 dir=$3 t0
  step "$name ${pkg##*@}"
  if [ -f "$dir/.complete" ]; then done_step "cached $dir"; return 0; fi
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  t0=$(now)
  GOBIN="$dir.tmp" GOFLAGS="-mod=mod -buildvcs=false -trimpath" nice -n 10 go install -ldflags "-s -w" "$pkg" \
    || die "go install $pkg failed"
  echo "    go install took $(( $(now) - t0 ))s"
  touch "$dir.tmp/.complete"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  done_step "built $dir"
}
go_install coredns "github.com/coredns/coredns@v${COREDNS_VERSION}" "$ROOT/coredns-${COREDNS_VERSION}"
go_install kube-router "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v${KUBE_ROUTER_VERSION}" "$ROOT/kube-router-${KUBE_ROUTER_VERSION}"
go_install helm "helm.sh/helm/v3/cmd/helm@v${HELM_VERSION}" "$ROOT/helm-${HELM_VERSION}"
# the pod sandbox program (scripts/lib/cluster-pause), rebuilt when its source changes
PAUSE_DIR="$ROOT/pause-$(sha256sum scripts/lib/cluster-pause/main.go | cut -c1-12)"
if [ ! -x "$PAUSE_DIR/cluster-pause" ]; then
  mkdir -p "$PAUSE_DIR"
  ( cd scripts/lib/cluster-pause && GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o "$PAUSE_DIR/cluster-pause" . ) || die "go build of the pause program failed"
  touch "$PAUSE_DIR/.complete"
fi

# ---------------------------------------------------------------- 5. images
step "images (pause, dapr, coredns, redis, otelcol)"
start_output="$(bash scripts/dockerd.sh start)"
daemon_state="${start_output%%$'\n'*}"
export DOCKER_HOST="$(bash scripts/dockerd.sh host)"
on_exit() { if [ "$daemon_state" = started ]; then bash "$REPO/scripts/dockerd.sh" stop >/dev/null; fi; }
trap on_exit EXIT
IMAGES="$ROOT/images"
mkdir -p "$IMAGES"
DAPRD="$(json "$CACHE/runtime.json" daprd)"
SENTRY="$(json "$CACHE/runtime.json" sentry)"
INJECTOR="$(json "$CACHE/kube.json" daprInjector)"
load_container_images redis otelCollector
REDIS_IMAGE="${IMAGE[redis]}"
built=()
# scratch_image <tar> <tag> <binary> [user]: FROM scratch with the one static binary as /<name>, its
# entrypoint (the pod sandbox needs one; the chart's and injector's containers name theirs anyway);
# rebuilt when the binary or the recipe changes (their hash is in the tarball's name)
scratch_image() {
  local tar=$1 tag=$2 bin=$3 user=${4:-65532:65532} ctx key name dockerfile
  name="$(basename "$bin")"
  dockerfile="$(printf 'FROM scratch\nCOPY %s /%s\nUSER %s\nENTRYPOINT ["/%s"]\n' "$name" "$name" "$user" "$name")"
  key="$( { sha256sum "$bin"; echo "$dockerfile"; } | sha256sum | cut -c1-12)"
  [ -f "$IMAGES/$tar-$key.tar" ] && return 0
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-image.XXXXXX")"
  cp "$bin" "$ctx/"
  echo "$dockerfile" > "$ctx/Dockerfile"
  # (the legacy builder's deprecation notice on stderr is noise: the daemon has no buildx)
  docker build -q -t "$tag" "$ctx" >/dev/null 2>"$ctx.err" || { cat "$ctx.err" >&2; die "docker build $tag failed"; }
  rm -f "$ctx.err"
  rm -f "$IMAGES/$tar"-*.tar
  docker save -o "$IMAGES/$tar-$key.tar" "$tag" || die "docker save $tag failed"
  rm -rf "$ctx"
  built+=("$tag")
}
scratch_image pause "$PAUSE_IMAGE" "$PAUSE_DIR/cluster-pause"
scratch_image daprd "$DAPR_REGISTRY/daprd:$DAPR_VERSION" "$DAPRD"
scratch_image sentry "$DAPR_REGISTRY/sentry:$DAPR_VERSION" "$SENTRY"
scratch_image injector "$DAPR_REGISTRY/injector:$DAPR_VERSION" "$INJECTOR"
for c in operator placement scheduler; do
  scratch_image "$c" "$DAPR_REGISTRY/$c:$DAPR_VERSION" "$DAPR_DIR/$c"
done
scratch_image coredns "$COREDNS_IMAGE" "$ROOT/coredns-${COREDNS_VERSION}/coredns"
# standin_tar <tar> <image>: one of provision-docker.sh's stand-in images, saved for the node
standin_tar() {
  local tar="$1" tag="$2" id key
  id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null)" || die "no $tag in the private dockerd: run scripts/provision-docker.sh"
  key="${id#sha256:}"; key="${key:0:12}"
  [ -f "$IMAGES/$tar-$key.tar" ] && return 0
  rm -f "$IMAGES/$tar"-*.tar
  docker save -o "$IMAGES/$tar-$key.tar" "$tag" || die "docker save $tag failed"
  built+=("$tag")
}
standin_tar redis "$REDIS_IMAGE"
standin_tar otelcol "${IMAGE[otelCollector]}"   # the dev overlay's OpenTelemetry Collector
done_step "${built[*]:-all cached}"

# ---------------------------------------------------------------- 6. cluster.json
step "cluster.json"
one() { ls "$IMAGES"/"$1"-*.tar | head -1; }
cat > "$CACHE/cluster.json.tmp" <<JSON
{
  "kubernetesVersion": "$KUBE_VERSION",
  "kubelet": "$NODE_DIR/kubelet",
  "kubeScheduler": "$NODE_DIR/kube-scheduler",
  "kubeProxy": "$NODE_DIR/kube-proxy",
  "containerd": "$(command -v containerd)",
  "ctr": "$(command -v ctr)",
  "runc": "$(command -v runc)",
  "cniBin": "/usr/lib/cni",
  "kubeRouter": "$ROOT/kube-router-${KUBE_ROUTER_VERSION}/kube-router",
  "helm": "$ROOT/helm-${HELM_VERSION}/helm",
  "daprChart": "$DAPR_DIR/chart",
  "daprRegistry": "$DAPR_REGISTRY",
  "daprTag": "$DAPR_VERSION",
  "pauseImage": "$PAUSE_IMAGE",
  "corednsImage": "$COREDNS_IMAGE",
  "redisImage": "$REDIS_IMAGE",
  "imageTars": ["$(one pause)", "$(one daprd)", "$(one sentry)", "$(one injector)", "$(one operator)", "$(one placement)", "$(one scheduler)", "$(one coredns)", "$(one redis)", "$(one otelcol)"]
}
JSON
mv -f "$CACHE/cluster.json.tmp" "$CACHE/cluster.json"
done_step "$CACHE/cluster.json"

echo
echo "provision-cluster summary (total $(( $(now) - T0 ))s, cache $CACHE):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "  kubelet      $("$NODE_DIR/kubelet" --version)"
echo "  containerd   $(containerd --version)"
echo "  helm         $("$ROOT/helm-${HELM_VERSION}/helm" version --short 2>/dev/null)"
