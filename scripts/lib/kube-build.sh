# Sourced by provision-kube.sh and provision-cluster.sh (after provision-common.sh): builds commands of
# k8s.io/kubernetes from the Go module proxy. The module zip carries no staging folder, so a scratch
# go.mod requires k8s.io/kubernetes vX.Y.Z and replaces every staging module that module's own go.mod
# points at ./staging/... with its published v0.Y.Z release. Both scripts use the same go.mod and
# ldflags, so the packages their commands share compile once into the Go build cache.

# staging modules Kubernetes lists but does not publish for every release; no command built here needs them
UNPUBLISHED_STAGING="k8s.io/sample-cli-plugin k8s.io/sample-controller"

kube_go_build() { # <version> <outdir> <command>...: builds k8s.io/kubernetes/cmd/<command> into <outdir>
  local version="$1" out="$2"; shift 2
  local staging="0.${version#*.}" kmod kbuild m pkg t0 minor ldflags pkgs=()
  kmod="$(mod_dir "k8s.io/kubernetes@v${version}")"
  [ -f "$kmod/go.mod" ] || die "go mod download k8s.io/kubernetes@v${version} failed"
  kbuild="$(mktemp -d "${TMPDIR:-/tmp}/fastdapr-kube-build.XXXXXX")"
  scratch_module "$kbuild"
  (
    cd "$kbuild"
    go mod edit -go="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$kmod/go.mod")"
    go mod edit -require="k8s.io/kubernetes@v${version}"
    for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => \./staging/.*#\1#p' "$kmod/go.mod"); do
      case " $UNPUBLISHED_STAGING " in *" $m "*) continue ;; esac
      go mod edit -replace="$m=$m@v${staging}"
    done
  )
  for m in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$m"); done
  t0=$(now)
  ( cd "$kbuild" && GOFLAGS="-mod=mod -buildvcs=false" go list -deps "${pkgs[@]}" >/dev/null ) \
    || die "resolving the modules of k8s.io/kubernetes@v${version} failed (see the go error above)"
  echo "    module download/resolve took $(( $(now) - t0 ))s"
  minor="${version#*.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=v${version} -X $pkg.gitMajor=${version%%.*} -X $pkg.gitMinor=${minor}"
    ldflags+=" -X $pkg.gitTreeState=clean"
  done
  t0=$(now)
  mkdir -p "$out"
  ( cd "$kbuild" && GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}" ) \
    || die "go build of kubernetes ${version} ($*) failed"
  echo "    go build ($*) took $(( $(now) - t0 ))s"
  rm -rf "$kbuild"
}
