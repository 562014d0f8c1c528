#!/usr/bin/env bash
# Long mode of the convergence property, in batches, resumable (docs/reliability.md, "Long mode at depth").
#
#   long-mode.sh run [TOTAL] [BATCH]   run batches of BATCH (500) sequences until TOTAL (10000) have run, one process per
#                                      batch, sequentially, at nice 10; continues after the last batch recorded in the CSV
#   long-mode.sh summary               sum every batch of the CSV (the figures docs/reliability.md quotes)
#
# The CSV's "runs" counts the green sequences of a batch, "failed" the others (their seeds in failed_seeds).
# Sequence i always runs the scenario of seed ConvergenceUnderFaultsTests.LongSeed(i); a batch is (start, runs) in the
# CSV, so any batch can be rerun exactly: KI_RELIABILITY_START=start KI_RELIABILITY_ITERATIONS=runs dotnet test ...
# Environment: KI_LONG_CSV (docs/reliability-long-mode.csv), KI_LONG_LOGS (directory of the batch logs, /tmp/ki-long-mode).
# Build first: dotnet build tests/Reliability.Tests -c Release (the batches run with --no-build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
csv="${KI_LONG_CSV:-$root/docs/reliability-long-mode.csv}"
logs="${KI_LONG_LOGS:-/tmp/ki-long-mode}"

next_start() {
  # A row's sequences are start .. start + runs (green) + failed - 1.
  if [[ -f "$csv" ]]; then
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { e = $1 + $2 + $c["failed"]; if (e > m) m = e } END { print m + 0 }' "$csv"
  else echo 0; fi
}

case "${1:-run}" in
  run)
    total="${2:-10000}"; batch="${3:-500}"; mkdir -p "$logs"
    start="$(next_start)"
    while (( start < total )); do
      n=$(( total - start < batch ? total - start : batch ))
      echo "$(date -u +%H:%M:%S) sequences $start..$(( start + n - 1 )) (load $(cut -d' ' -f1 /proc/loadavg))"
      rc=0
      KI_RELIABILITY_START=$start KI_RELIABILITY_ITERATIONS=$n KI_RELIABILITY_CSV="$csv" \
        nice -n 10 dotnet test "$root/tests/Reliability.Tests" -c Release --no-build \
        --filter "FullyQualifiedName~ConvergenceUnderFaultsTests" --logger "console;verbosity=detailed" \
        > "$logs/batch-$start.txt" 2>&1 || rc=$?
      echo "$(date -u +%H:%M:%S) exit $rc; log $logs/batch-$start.txt"
      # A batch that crashed before writing its row would be retried forever: stop instead.
      [[ "$(next_start)" -gt "$start" ]] || { echo "batch $start wrote no CSV row; see its log" >&2; exit 1; }
      start="$(next_start)"
    done
    ;;
  summary)
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { h[i] = $i; c[$i] = i }; next }
      { b++; for (i = 2; i <= NF; i++) if (h[i] !~ /^(finished_utc|load_avg|seconds_per_sequence|slowest_convergence_ms|failed_seeds)$/) s[i] += $i
        if ($c["slowest_convergence_ms"] + 0 > slow) slow = $c["slowest_convergence_ms"] + 0; if ($4 + 0 > lmax) lmax = $4 + 0; if (lmin == "" || $4 + 0 < lmin) lmin = $4 + 0
        if ($c["failed_seeds"] != "") fs = fs " " $c["failed_seeds"] }
      END {
        for (i = 2; i <= NF; i++) if (i in s) printf "%s=%s ", h[i], s[i]
        printf "\nbatches=%d slowest_convergence_ms=%d seconds_per_sequence=%.3f load_avg_at_batch_end=%s..%s failed_seeds=[%s ]\n", b, slow, s[5] / s[2], lmin, lmax, fs
      }' "$csv"
    ;;
  *) sed -n '2,12p' "$0"; exit 64 ;;
esac
