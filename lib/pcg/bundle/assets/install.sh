# shellcheck shell=bash
# The body of a Private Cloud Gateway bundle's install.sh. lib/pcg/bundle/install-sh.ts writes the
# header above it (shebang, usage, `set -euo pipefail`, the KUBECONFIG default and these readonly
# variables: PCG_NAME PALETTE_ENDPOINT PALETTE_HOST PALETTE_PROJECT PC_HOST PC_PORT VIP VIP_PORT
# PLANNED_NODES MIN_VCPUS MIN_MEMORY_MIB MIN_DISK_GIB REQUIRED_ENV REQUIRED_FILES) and copies this file
# from the line after the marker below; the lines down to the marker are not copied.
# ---- end of preamble ----
failures=0
ok()   { printf '  ok    %s\n' "$*"; }
bad()  { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
note() { printf '  note  %s\n' "$*"; }

# A Kubernetes quantity (8148112Ki, 64Gi, 4000M, 63278891008) in MiB, rounded down.
to_mib() {
  local q="$1" num unit
  num="${q%%[!0-9]*}"
  unit="${q#"$num"}"
  [ -n "$num" ] || { echo 0; return; }
  case "$unit" in
    Ki) echo $((num / 1024)) ;;
    Mi) echo "$num" ;;
    Gi) echo $((num * 1024)) ;;
    Ti) echo $((num * 1048576)) ;;
    k) echo $((num * 1000 / 1048576)) ;;
    M) echo $((num * 1000000 / 1048576)) ;;
    G) echo $((num * 1000000000 / 1048576)) ;;
    T) echo $((num * 1000000000000 / 1048576)) ;;
    "") echo $((num / 1048576)) ;;
    *) echo 0 ;;
  esac
}

# A CPU quantity (4 or 4000m) in whole CPUs.
to_cpus() {
  local q="$1"
  case "$q" in
    *m) echo $((${q%m} / 1000)) ;;
    *) echo "${q%%.*}" ;;
  esac
}

check_env() {
  echo "Credentials (presence only; values are never printed)"
  local v f
  for v in ${REQUIRED_ENV[@]+"${REQUIRED_ENV[@]}"}; do
    if [ -n "${!v:-}" ]; then ok "environment variable $v is set"; else bad "environment variable $v is not set"; fi
  done
  for f in ${REQUIRED_FILES[@]+"${REQUIRED_FILES[@]}"}; do
    if [ -r "$f" ]; then ok "file $f is readable"; else bad "file $f is not readable"; fi
  done
}

check_cluster() {
  echo "Host cluster"
  if ! command -v kubectl >/dev/null 2>&1; then bad "kubectl is not on PATH"; return; fi
  if [ -z "${KUBECONFIG:-}" ]; then bad "KUBECONFIG is not set (the host cluster's admin kubeconfig)"; return; fi
  if ! kubectl get --raw=/readyz --request-timeout=15s >/dev/null 2>&1; then
    bad "kubectl cannot reach the host cluster with KUBECONFIG=$KUBECONFIG"
    return
  fi
  ok "kubectl reaches the host cluster"
  local server
  server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null || true)"
  case "$server" in
    "https://$VIP:$VIP_PORT" | "https://$VIP:$VIP_PORT/") ok "the kubeconfig uses the VIP $VIP:$VIP_PORT" ;;
    *) note "the kubeconfig uses $server, not the VIP https://$VIP:$VIP_PORT" ;;
  esac
  if [ "$(kubectl auth can-i '*' '*' --all-namespaces 2>/dev/null || true)" = yes ]; then
    ok "cluster-admin rights"
  else
    bad "the kubeconfig lacks cluster-admin rights (Palette needs cluster-admin or admin)"
  fi
  local cps total=0 notready=0 name cpu mem disk ready
  cps="$(kubectl get nodes -l node-role.kubernetes.io/control-plane -o name | wc -l | tr -d ' ')"
  # Capacity is a little below the VM size (kernel, partitions): memory and disk get 1/8 slack.
  while IFS=$'\t' read -r name cpu mem disk ready; do
    [ -n "$name" ] || continue
    total=$((total + 1))
    [ "$ready" = True ] || notready=$((notready + 1))
    if [ "$(to_cpus "$cpu")" -ge "$MIN_VCPUS" ] && [ "$(to_mib "$mem")" -ge $((MIN_MEMORY_MIB * 7 / 8)) ] && [ "$(to_mib "$disk")" -ge $((MIN_DISK_GIB * 1024 * 7 / 8)) ]; then
      ok "node $name: $cpu CPU, $mem memory, $disk disk"
    else
      bad "node $name: $cpu CPU, $mem memory, $disk disk (needs $MIN_VCPUS vCPU, $MIN_MEMORY_MIB MiB, $MIN_DISK_GIB GiB)"
    fi
  done < <(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.capacity.cpu}{"\t"}{.status.capacity.memory}{"\t"}{.status.capacity.ephemeral-storage}{"\t"}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')
  if [ "$cps" -ge 1 ] && [ $((total - cps)) -ge 1 ]; then ok "$cps control-plane + $((total - cps)) worker nodes"; else bad "$cps control-plane + $((total - cps)) worker nodes (needs at least 1 + 1)"; fi
  [ "$total" -ge "$PLANNED_NODES" ] || note "$total nodes, the plan has $PLANNED_NODES"
  if [ "$notready" -eq 0 ]; then ok "every node is Ready (a CNI is installed)"; else bad "$notready node(s) not Ready: is a CNI installed?"; fi
  if kubectl get storageclass -o jsonpath='{range .items[*]}{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}{"\n"}{end}' 2>/dev/null | grep -qx true; then
    ok "a default StorageClass exists (a CSI driver is installed)"
  else
    bad "no default StorageClass: install a CSI driver (e.g. nutanix-csi) and mark a class default"
  fi
}

resolves() {
  if command -v getent >/dev/null 2>&1; then getent hosts "$1" >/dev/null 2>&1
  elif command -v nslookup >/dev/null 2>&1; then nslookup "$1" >/dev/null 2>&1
  else return 2; fi
}

# Any HTTP answer (even 401 or 404) proves reachability; no credentials are sent.
reaches() {
  local code
  code="$(curl -k -sS -o /dev/null --max-time 10 -w '%{http_code}' "$2" 2>/dev/null || true)"
  if [ -n "$code" ] && [ "$code" != 000 ]; then ok "$1 answers (HTTP $code)"; else bad "$1 does not answer at $2"; fi
}

check_network() {
  echo "DNS and reachability, from this machine (the nodes need the same; proxy variables apply)"
  local rc=0
  resolves "$PALETTE_HOST" || rc=$?
  case "$rc" in
    0) ok "$PALETTE_HOST resolves" ;;
    2) note "neither getent nor nslookup is available: resolve $PALETTE_HOST yourself" ;;
    *) bad "$PALETTE_HOST does not resolve" ;;
  esac
  if command -v curl >/dev/null 2>&1; then
    reaches "Palette" "$PALETTE_ENDPOINT"
    reaches "Prism Central" "https://$PC_HOST:$PC_PORT/"
    reaches "the host cluster VIP" "https://$VIP:$VIP_PORT/readyz"
  else
    note "curl is not available: check Palette, Prism Central and the VIP yourself"
  fi
}

# Splits a line into words, honouring '…' and "…" quotes, with no expansion at all. Refuses
# unquoted shell operators and any `$` or backquote. Fills WORDS.
split_words() {
  local s="$1" c q="" w="" have=0 i
  WORDS=()
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    if [ -n "$q" ]; then
      case "$q$c" in
        '""' | "''") q="" ;;
        '"$' | '"`' | '"\') return 1 ;;
        *) w+="$c" ;;
      esac
      continue
    fi
    case "$c" in
      "'" | '"') q="$c"; have=1 ;;
      ' ' | $'\t') if [ "$have" = 1 ]; then WORDS+=("$w"); w=""; have=0; fi ;;
      ';' | '&' | '|' | '<' | '>' | '$' | '`' | '(' | ')' | '\') return 1 ;;
      *) w+="$c"; have=1 ;;
    esac
  done
  [ -z "$q" ] || return 1
  if [ "$have" = 1 ]; then WORDS+=("$w"); fi
}

run_commands() {
  command -v kubectl >/dev/null 2>&1 || { echo "install.sh: kubectl is not on PATH" >&2; exit 2; }
  [ -n "${KUBECONFIG:-}" ] || { echo "install.sh: set KUBECONFIG to the host cluster's admin kubeconfig" >&2; exit 2; }
  echo "Paste the kubectl commands Palette shows for gateway '$PCG_NAME', then an empty line:"
  local line i
  local -a lines=()
  while IFS= read -r line; do
    [ -n "${line//[[:space:]]/}" ] || break
    lines+=("$line")
  done
  [ "${#lines[@]}" -gt 0 ] || { echo "install.sh: no command given" >&2; exit 2; }
  for i in "${!lines[@]}"; do
    if ! split_words "${lines[$i]}" || [ "${#WORDS[@]}" -lt 2 ] || [ "${WORDS[0]}" != kubectl ]; then
      echo "install.sh: line $((i + 1)) is not a plain kubectl command; nothing was run" >&2
      exit 2
    fi
  done
  for i in "${!lines[@]}"; do
    split_words "${lines[$i]}"
    echo "[$((i + 1))/${#lines[@]}] kubectl ${WORDS[1]} … (arguments not shown: they may carry a token)"
    kubectl "${WORDS[@]:1}" </dev/null
  done
  echo "Done. Wait until Palette shows gateway '$PCG_NAME' as Running, then create the cloud account (README.md, step 6)."
}

print_steps() {
  cat <<STEPS
Private Cloud Gateway '$PCG_NAME' (cloud type nutanix, Palette $PALETTE_ENDPOINT, project $PALETTE_PROJECT)
  1. ./install.sh check  (prerequisites; fix every FAIL)
  2. Palette: register the 'nutanix' cloud if it is not there yet (Operations Administrator, self-hosted Palette).
  3. Palette: Tenant Settings → Private Cloud Gateways → Add → Self Hosted; name '$PCG_NAME', provider 'nutanix'.
  4. ./install.sh run    (paste the two kubectl commands Palette shows)
  5. Wait until Palette shows the gateway as Running (./install.sh status lists pods not running).
  6. Palette, project '$PALETTE_PROJECT': add a nutanix cloud account bound to '$PCG_NAME' with the keys of cloud-account.yaml.
STEPS
}

case "${1:-steps}" in
  check)
    check_env
    check_cluster
    check_network
    if [ "$failures" -eq 0 ]; then echo "All checks passed."; else echo "$failures check(s) failed."; exit 1; fi
    ;;
  run) run_commands ;;
  status)
    [ -n "${KUBECONFIG:-}" ] || { echo "install.sh: set KUBECONFIG to the host cluster's admin kubeconfig" >&2; exit 2; }
    kubectl get pods --all-namespaces --field-selector=status.phase!=Running,status.phase!=Succeeded
    ;;
  steps) print_steps ;;
  *) echo "usage: $0 [check|steps|run|status]" >&2; exit 2 ;;
esac
