#!/usr/bin/env bash
# dbward makes itself non-dumpable with a core limit of 0 before it reads
# anything (dw_process_protect_secrets, first thing in main). The oracle is
# the kernel, not dbward: /proc/PID/* of a non-dumpable process is owned by
# root whatever the process's user (proc(5)), and /proc/PID/limits shows the
# core limit. dbward runs as an unprivileged user (nobody when the test runs
# as root), blocked reading stdin in `dbward query`; a plain `sleep` run the
# same way is the control that the ownership test tells the two apart.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -eq 0 ]; then
  as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  uid=65534
else
  as=()
  uid=$(id -u)
fi
mkfifo "$TMP/in"
chmod 755 "$TMP"
chmod 666 "$TMP/in"
exec 3<>"$TMP/in" # a writer, so that opening the FIFO for reading does not block
"${as[@]}" "$DBWARD" query '@' <"$TMP/in" >/dev/null 2>&1 &
pid=$!
"${as[@]}" sleep 30 <"$TMP/in" &
ctl=$!
# Wait until dbward is blocked in read(0, ...) in main, well past start-up.
for _ in $(seq 200); do
  [ "$(cut -d' ' -f1,2 "/proc/$pid/syscall" 2>/dev/null)" = "0 0x0" ] && break
  sleep 0.05
done
syscall=$(cut -d' ' -f1,2 "/proc/$pid/syscall" 2>/dev/null)
limits=$(grep '^Max core file size' "/proc/$pid/limits")
owner=$(stat -c %u "/proc/$pid/status")
ctl_owner=$(stat -c %u "/proc/$ctl/status")
echo "dbward pid $pid: syscall '$syscall', /proc/PID owner $owner; control owner $ctl_owner; $limits"
CHECKS=$((CHECKS + 4))
[ "$syscall" = "0 0x0" ] || { echo "FAIL: dbward never blocked reading stdin"; FAILS=$((FAILS + 1)); }
[ "$ctl_owner" = "$uid" ] || { echo "FAIL: the control process is not owned by $uid"; FAILS=$((FAILS + 1)); }
[ "$owner" = 0 ] || { echo "FAIL: dbward is dumpable (/proc/$pid owned by $owner)"; FAILS=$((FAILS + 1)); }
[[ $limits =~ ^Max\ core\ file\ size\ +0\ +0\  ]] || { echo "FAIL: core limit not 0: $limits"; FAILS=$((FAILS + 1)); }
kill "$pid" "$ctl" 2>/dev/null
wait "$pid" "$ctl" 2>/dev/null
# A crash (SIGABRT) leaves no core, even with the shell's core limit raised: the
# environment holds a canary secret key. Observable only when the kernel
# writes cores to a plain file (core_pattern without '|').
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
if [[ -n $pattern && $pattern != \|* && $pattern != /* ]]; then
  mkdir "$TMP/crash"
  bin=$(readlink -f "$DBWARD")
  (
    cd "$TMP/crash" || exit 1
    ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -Hc)"
    AWS_SECRET_ACCESS_KEY=CoreCanarySecret "$bin" query '@' <"$TMP/in" >/dev/null 2>&1 &
    p=$!
    for _ in $(seq 200); do
      [ "$(cut -d' ' -f1,2 "/proc/$p/syscall" 2>/dev/null)" = "0 0x0" ] && break
      sleep 0.05
    done
    kill -ABRT "$p" # dumps core by default; sanitizers leave it alone (handle_abort=0)
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$p" 2>/dev/null # never hang the test
    wait "$p" 2>/dev/null
    echo $? >"$TMP/crash.rc"
  )
  crash_rc=$(cat "$TMP/crash.rc")
  rm -f "$TMP/crash.rc"
  cores=$(find "$TMP/crash" -mindepth 1 | wc -l)
  echo "after SIGABRT (exit $crash_rc) with ulimit -c $(ulimit -Hc): $cores file(s) in the crash folder (core_pattern '$pattern')"
  CHECKS=$((CHECKS + 2))
  [ "$crash_rc" -eq 134 ] || { echo "FAIL: dbward did not die of SIGABRT (exit $crash_rc)"; FAILS=$((FAILS + 1)); }
  [ "$cores" -eq 0 ] || { echo "FAIL: a crash wrote a core file"; FAILS=$((FAILS + 1)); }
else
  echo "core_pattern '$pattern' does not write to the working folder: crash check skipped"
fi
exec 3>&-
finish
