#!/usr/bin/env bash
# A/B of two (or more) revisions of the library in one e2e run: the same program (tests/RevisionProbe), server, data and
# kubeconfig, fresh processes, paths interleaved per repetition.
#   tests/Benchmarks/revision-ab.sh REV_A REV_B [e2e options...]
#   tests/Benchmarks/revision-ab.sh REV_A REV_B REV_C ... -- [e2e options...]   (more than two: a bisection in one run)
# REV is a commit, branch or tag, or "worktree" for this checkout as it is. Each revision is checked out (detached)
# under ${REVISION_AB_DIR:-/tmp/revision-ab}, the probe source from this checkout is copied into it and built there
# against that revision's src/Runtime and generator; each runs as a cold path named rev-<commit> (or rev-worktree), and
# the report gives every path's per-repetition ratios to the first revision (sync, retained, watch, watch-alloc).
# The e2e options default to a 10,000-Pod run with full models beside client-node:
#   --objects 10000 --runs 3 --events 5000 --cold --no-warm --mix replica-sets --cold-paths client-node
# Example: tests/Benchmarks/revision-ab.sh f0dff04 worktree --objects 10000,50000 --runs 5
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${REVISION_AB_DIR:-/tmp/revision-ab}
mkdir -p "$work"
revs=()
if printf '%s\n' "$@" | grep -qx -- --; then
  while [ "$1" != -- ]; do revs+=("$1"); shift; done
  shift
else
  revs=("$1" "$2")
  shift 2
fi
[ ${#revs[@]} -ge 2 ] || { echo "give at least two revisions" >&2; exit 2; }

name_of() { # REV → its cold path's name: rev-<commit> or rev-worktree
  [ "$1" != worktree ] || { echo rev-worktree; return; }
  local sha
  sha=$(git -C "$repo" rev-parse --short=7 --verify -q "$1^{commit}") || { echo "not a revision: $1" >&2; return 1; }
  echo "rev-$sha"
}

build() { # REV NAME → prints "name=binary"
  local rev=$1 name=$2 tree
  if [ "$rev" = worktree ]; then
    tree=$repo
  else
    tree=$work/${name#rev-}
    if [ ! -d "$tree" ]; then
      git -C "$repo" worktree add --detach "$tree" "${name#rev-}" >&2
    fi
    rm -rf "$tree/tests/RevisionProbe"
    mkdir -p "$tree/tests"
    cp -r "$repo/tests/RevisionProbe" "$tree/tests/RevisionProbe"
    rm -rf "$tree/tests/RevisionProbe/bin" "$tree/tests/RevisionProbe/obj"
  fi
  echo "building the probe against $rev in $tree" >&2
  dotnet build "$tree/tests/RevisionProbe" -c Release -nologo -v q >&2
  echo "$name=$tree/tests/RevisionProbe/bin/Release/net10.0/RevisionProbe"
}

# Names first, so a revision given twice (or one that does not exist) stops the script before anything is built.
names=()
for rev in "${revs[@]}"; do
  name=$(name_of "$rev") || exit 2
  for seen in "${names[@]}"; do
    [ "$seen" != "$name" ] || { echo "$rev is given twice ($name)" >&2; exit 2; }
  done
  names+=("$name")
done
exes=()
for i in "${!revs[@]}"; do
  exes+=(--exe "$(build "${revs[$i]}" "${names[$i]}")")
done
defaults=(--objects 10000 --runs 3 --events 5000 --cold --no-warm --mix replica-sets --cold-paths client-node)
[ $# -gt 0 ] && defaults=("$@")
cd "$repo"
# Every path is also compared with the first revision, repetition by repetition (the *×rev-… rows).
exec dotnet run -c Release --project tests/Benchmarks -- e2e "${defaults[@]}" "${exes[@]}" --ratio-to "${names[0]}"
