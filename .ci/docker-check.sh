#!/usr/bin/env bash
# Container check: builds the real Dockerfile, runs the image and waits for GET /health to answer 200,
# then checks that the process is not root, that `metronome report` renders a real PDF inside the running
# container (checked on the host with pdfinfo/pdftotext), and that Chromium's renderers run sandboxed
# there (seccomp filter, no --no-sandbox) under the engine's default seccomp profile.
#
# There is no Docker engine on this project's machines: shared/tools/docker-standin.sh puts a `docker`
# command (rootful podman + a locally made node:22-bookworm-slim) on PATH. Where even that cannot run
# (setup exits 3), the check is skipped with a loud warning and exits 0: that is a limit of the
# environment, not a defect of the Dockerfile.
#
# Usage: bash .ci/docker-check.sh        (from anywhere; .ci/run calls it at the end)
# Env:   DOCKER_CHECK_PORT (host port, default 13000), DOCKER_CHECK_TIMEOUT (seconds to healthy, default 90),
#        DOCKER_CHECK_IMAGE (tag, default metronome:ci), DOCKER_STANDIN (path to docker-standin.sh),
#        DOCKER_CHECK_RUN_ARGS (extra `docker run` arguments, split on spaces, e.g. "-e LOG_LEVEL=debug").
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${DOCKER_CHECK_IMAGE:-metronome:ci}
PORT=${DOCKER_CHECK_PORT:-13000}
TIMEOUT=${DOCKER_CHECK_TIMEOUT:-90}
CONTAINER=metronome-ci-$$
STARTED_CONTAINER=0
STANDIN=""

log() { printf '[docker-check] %s\n' "$*"; }

# shared/ is a sibling of the clone in CI (../shared), and /work/shared on a developer's machine.
find_standin() {
  local candidate
  for candidate in "${DOCKER_STANDIN:-}" "$REPO/../shared/tools/docker-standin.sh" /work/shared/tools/docker-standin.sh; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then
      (cd "$(dirname "$candidate")" && printf '%s/%s\n' "$(pwd)" "$(basename "$candidate")")
      return 0
    fi
  done
  return 1
}

cleanup() {
  local rc=$?
  set +e
  if [ "$STARTED_CONTAINER" = 1 ]; then
    docker rm -f "$CONTAINER" >/dev/null 2>&1
  fi
  if [ -n "$STANDIN" ]; then
    bash "$STANDIN" cleanup
  fi
  exit "$rc"
}
trap cleanup EXIT

skip_loudly() {
  cat <<EOF

##########################################################################################
##                                                                                      ##
##   WARNING: CONTAINER CHECK SKIPPED                                                   ##
##                                                                                      ##
##   $1
##   The Dockerfile was NOT built and the image was NOT run in this environment.        ##
##   This is a limit of the environment (it cannot run containers), not a pass.         ##
##                                                                                      ##
##########################################################################################

EOF
  exit 0
}

phase_start=0
phase() { phase_start=$(date +%s); log "== $*"; }
phase_done() { log "   $1: $(( $(date +%s) - phase_start )) s"; }
total_start=$(date +%s)

# ---------------------------------------------------------------------------------------- setup
phase "setup: docker stand-in"
if ! STANDIN=$(find_standin); then
  skip_loudly "docker-standin.sh was found neither in ../shared/tools nor in /work/shared/tools."
fi
log "stand-in: $STANDIN"
setup_rc=0
exports=$(bash "$STANDIN" setup) || setup_rc=$?
if [ "$setup_rc" = 3 ]; then
  skip_loudly "docker-standin.sh setup exited 3: this environment cannot run containers."
elif [ "$setup_rc" != 0 ]; then
  log "docker-standin.sh setup failed with exit code $setup_rc (a bug in the stand-in, not skipped)"
  exit 1
fi
eval "$exports"
# podman writes OCI images by default, which drop HEALTHCHECK; Docker ignores this variable.
export BUILDAH_FORMAT=docker
docker --version
phase_done "setup"

# ---------------------------------------------------------------------------------------- build
phase "build: docker build -t $IMAGE $REPO"
revision=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
version=$(node -p "require('$REPO/package.json').version" 2>/dev/null || echo 0.0.0)
if ! docker build -t "$IMAGE" \
    --build-arg "VERSION=$version" \
    --build-arg "REVISION=$revision" \
    "$REPO"; then
  log "FAIL: docker build failed"
  exit 1
fi
phase_done "build"
docker image inspect "$IMAGE" --format 'image size: {{.Size}} bytes; user {{.Config.User}}; healthcheck {{json .Config.Healthcheck}}' || true

# ---------------------------------------------------------------------------------------- run
fail() {
  log "FAIL: $*"
  log "---- docker logs $CONTAINER ----"
  docker logs "$CONTAINER" 2>&1 | tail -n 200 || true
  log "---- end of logs ----"
  exit 1
}

# GET that prints the body and succeeds only on 200 (curl where present, else the host's node).
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 3 "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) })
      .then(async (r) => { const t = await r.text(); if (r.status !== 200) process.exit(1); process.stdout.write(t); })
      .catch(() => process.exit(1))' "$1"
  fi
}

phase "run: docker run -d -p 127.0.0.1:$PORT:3000 $IMAGE, wait for /health (up to ${TIMEOUT}s)"
docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
STARTED_CONTAINER=1
# (podman without systemd logs "unable to get systemd connection ... healthchecks": harmless, filtered)
# shellcheck disable=SC2086  # DOCKER_CHECK_RUN_ARGS is a list of words on purpose
docker run -d --name "$CONTAINER" -p "127.0.0.1:$PORT:3000" ${DOCKER_CHECK_RUN_ARGS:-} "$IMAGE" \
  2> >(grep -v 'systemd connection' >&2) >/dev/null
body=""
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  if body=$(http_get "http://127.0.0.1:$PORT/health"); then
    break
  fi
  running=$(docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null || echo false)
  if [ "$running" != true ]; then
    fail "the container stopped before /health answered (exit code $(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER" 2>/dev/null || echo '?'))"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "GET http://127.0.0.1:$PORT/health did not answer 200 within ${TIMEOUT}s"
  fi
  sleep 1
done
phase_done "run-to-healthy"
log "GET /health -> 200: $body"

# ---------------------------------------------------------------------------------------- checks
phase "checks inside the container"
uid=$(docker exec "$CONTAINER" id -u) || fail "docker exec id -u failed"
log "uid inside the container: $uid ($(docker exec "$CONTAINER" id -un 2>/dev/null || echo '?'))"
[ "$uid" != 0 ] || fail "the container runs as root"

chromium=$(docker exec "$CONTAINER" /usr/bin/chromium --version 2>&1) || fail "/usr/bin/chromium --version failed: $chromium"
log "chromium: $chromium"

# The image's own HEALTHCHECK command (node, no curl) must pass too. Run it by hand: podman has
# `healthcheck run`, Docker has no such command and would only report "starting" this early.
hc_json=$(docker image inspect -f '{{json .Config.Healthcheck}}' "$IMAGE" 2>/dev/null || echo null)
mapfile -d '' hc_cmd < <(printf '%s' "$hc_json" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const hc = JSON.parse(s || "null"); const t = (hc && hc.Test) || [];
    const argv = t[0] === "CMD" ? t.slice(1) : t[0] === "CMD-SHELL" ? ["sh", "-c", t[1]] : [];
    process.stdout.write(argv.map((a) => a + "\0").join(""));
  });')
[ "${#hc_cmd[@]}" -gt 0 ] || fail "the image has no HEALTHCHECK (inspect says: $hc_json)"
docker exec "$CONTAINER" "${hc_cmd[@]}" || fail "the image's HEALTHCHECK command failed: ${hc_cmd[*]}"
log "image HEALTHCHECK command: passed"
touch_out=$(docker exec "$CONTAINER" sh -c 'touch /app/data/.write-test && rm /app/data/.write-test && echo writable') \
  || fail "/app/data is not writable by the app user: $touch_out"
log "/app/data: $touch_out"
phase_done "checks"

# ---------------------------------------------------------------------------------------- web app
phase "web app: the first admin signs in with a link from \`metronome people login-link\`, then Today opens"
link_out=$(docker exec "$CONTAINER" node dist/src/cli/main.js people login-link maya 2>&1) \
  || fail "metronome people login-link failed inside the container: $link_out"
# The link is the line on standard output; the note about it goes to standard error.
link=$(printf '%s\n' "$link_out" | grep -m1 '/sign-in/link?token=') || fail "people login-link printed no link: $link_out"
token=${link##*token=}
web_out=$(node -e '
  const [base, token] = process.argv.slice(1);
  (async () => {
    const shown = await fetch(`${base}/sign-in/link?token=${token}`);
    const page = await shown.text();
    if (shown.status !== 200 || !page.includes("Sign in as")) throw new Error(`link page: ${shown.status}`);
    const used = await fetch(`${base}/sign-in/link`, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    const cookie = (used.headers.get("set-cookie") || "").split(";")[0];
    if (used.status !== 303 || !cookie) throw new Error(`sign-in: ${used.status}, cookie ${cookie ? "set" : "missing"}`);
    const today = await fetch(`${base}/`, { headers: { cookie } });
    const html = await today.text();
    if (today.status !== 200 || !html.includes("My brands")) throw new Error(`today: ${today.status}`);
    const css = await fetch(`${base}/assets/htmx.min.js`);
    if (css.status !== 200) throw new Error(`assets: ${css.status}`);
    console.log(`signed in; Today ${html.length} bytes; CSP ${today.headers.get("content-security-policy") ? "set" : "MISSING"}`);
  })().catch((error) => { console.error(error.message); process.exit(1); });
' "http://127.0.0.1:$PORT" "$token" 2>&1) || fail "web sign-in inside the container failed: $web_out"
log "web app: $web_out"
phase_done "web app"

# ---------------------------------------------------------------------------------------- PDF report
phase "render a monthly report inside the container (metronome report), check the PDF on the host"
OUT=$(mktemp -d)
report_log=$(docker exec "$CONTAINER" node dist/src/cli/main.js report --brand demo --out /tmp/report.pdf 2>&1) \
  || fail "metronome report failed inside the container: $report_log"
log "metronome report: $(printf '%s' "$report_log" | tail -n 3)"
if printf '%s' "$report_log" | grep -q 'Chromium runs without its sandbox'; then
  fail "Chromium ran without its sandbox inside the container: $report_log"
fi
docker cp "$CONTAINER:/tmp/report.pdf" "$OUT/report.pdf" >/dev/null || fail "docker cp of the report failed"
command -v pdfinfo >/dev/null 2>&1 || fail "pdfinfo is missing on the host (apt-get install poppler-utils)"
info=$(pdfinfo "$OUT/report.pdf" 2>&1) || fail "the report is not a PDF: $info"
pages=$(printf '%s\n' "$info" | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -ge 2 ] || fail "the report has ${pages:-no} pages: $info"
text=$(pdftotext -layout "$OUT/report.pdf" - 2>/dev/null)
printf '%s' "$text" | grep -q 'Demo Coffee Roasters' || fail "the report does not name the brand: $(printf '%s' "$text" | head -c 400)"
log "report PDF: $pages pages, $(stat -c %s "$OUT/report.pdf") bytes, names the brand"
rm -rf "$OUT"

# Starts Metronome's Chromium pool as the image's user, prints a page, and prints one JSON line with what the
# kernel says about the renderers: their seccomp mode (2 = filter, i.e. sandboxed) and --no-sandbox or not.
SANDBOX_PROBE=$(cat <<'PROBE'
const { readFileSync, readdirSync } = require('node:fs');
const { BrowserPool } = require('/app/dist/src/reporting/browser.pool.js');

const children = (pid) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    });
const descendants = (pid) => children(pid).flatMap((c) => [c, ...descendants(c)]);

(async () => {
  const pool = new BrowserPool();
  const lease = await pool.acquire();
  const page = await lease.managed.browser.newPage();
  await page.setContent('<p>sandbox probe</p>');
  await page.pdf();
  const renderers = descendants(lease.managed.pid)
    .flatMap((pid) => {
      let args, status;
      try {
        // Chromium rewrites its children's titles: arguments may be separated by spaces instead of NULs.
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        return []; // a helper process that exited between the listing and the read (a spare zygote, a utility)
      }
      return [{
        type: (args.find((a) => a.startsWith('--type=')) || '').slice(7),
        noSandbox: args.includes('--no-sandbox'),
        seccomp: Number(/Seccomp:\s+(\d)/.exec(status)[1]),
      }];
    })
    .filter((p) => p.type === 'renderer');
  console.log(JSON.stringify({ uid: process.getuid(), sandboxed: pool.sandboxed, renderers }));
  lease.release();
  await pool.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
PROBE
)
probe=$(docker exec "$CONTAINER" node -e "$SANDBOX_PROBE" 2>&1) \
  || fail "the Chromium sandbox probe failed inside the container: $probe"
probe=$(printf '%s\n' "$probe" | tail -n 1)
log "Chromium inside the container: $probe"
printf '%s' "$probe" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const p = JSON.parse(s);
    const ok = p.sandboxed === true && p.renderers.length > 0 &&
      p.renderers.every((r) => r.seccomp === 2 && !r.noSandbox);
    process.exit(ok ? 0 : 1);
  });' || fail "Chromium's renderers are not sandboxed inside the container: $probe"
phase_done "report"

# ---------------------------------------------------------------------------------------- Docker's seccomp
# Docker's default seccomp profile refuses namespace creation to containers without CAP_SYS_ADMIN, so
# Chromium cannot sandbox there (not even with the setuid helper). Podman's default allows it (above). Run
# the image once more under a profile that refuses namespaces the same way: reports must still render,
# and Metronome must say that Chromium ran without its sandbox and what would give it one.
phase "a report under a seccomp profile that refuses namespaces (as Docker's default does)"
PROFILE_DIR=$(mktemp -d)
node -e '
  const flags = { NEWNS: 0x20000, NEWCGROUP: 0x2000000, NEWUTS: 0x4000000, NEWIPC: 0x8000000,
    NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000 };
  const syscalls = [
    { names: ["unshare", "setns"], action: "SCMP_ACT_ERRNO", errnoRet: 1 },
    { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
    ...Object.values(flags).map((flag) => ({ names: ["clone"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
      args: [{ index: 0, value: flag, valueTwo: flag, op: "SCMP_CMP_MASKED_EQ" }] })),
  ];
  process.stdout.write(JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls }));' > "$PROFILE_DIR/no-namespaces.json"
NONS=metronome-ci-nons-$$
docker run -d --name "$NONS" --security-opt "seccomp=$PROFILE_DIR/no-namespaces.json" "$IMAGE" \
  2> >(grep -v 'systemd connection' >&2) >/dev/null || fail "the image did not start under the namespace-refusing profile"
nons_rc=0
nons_log=$(docker exec "$NONS" node dist/src/cli/main.js report --brand demo --out /tmp/report.pdf 2>&1) || nons_rc=$?
docker cp "$NONS:/tmp/report.pdf" "$PROFILE_DIR/report.pdf" >/dev/null 2>&1 || true
docker rm -f "$NONS" >/dev/null 2>&1
[ "$nons_rc" = 0 ] || fail "metronome report failed under the namespace-refusing profile: $nons_log"
pdfinfo "$PROFILE_DIR/report.pdf" >/dev/null 2>&1 || fail "no PDF under the namespace-refusing profile: $nons_log"
printf '%s' "$nons_log" | grep -q 'Chromium runs without its sandbox' \
  || fail "Metronome did not say that Chromium ran without its sandbox: $nons_log"
log "without namespaces: the PDF rendered, and Metronome said: $(printf '%s' "$nons_log" | grep -o 'Chromium runs without its sandbox[^(]*' | head -n 1)"
rm -rf "$PROFILE_DIR"
phase_done "docker-seccomp"

log "PASS: image $IMAGE built, healthy on :$PORT, uid $uid, $chromium, a $pages-page PDF rendered inside it with the renderers sandboxed (total $(( $(date +%s) - total_start )) s)"
