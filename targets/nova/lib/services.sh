# Starting, stopping and waiting for the target's services (sourced by up.sh and down.sh).
# Each service runs in its own session, with its PID in $RUN/<name>.pid and its log in $LOGS/<name>.log.

# start_service NAME COMMAND...: starts it in the background unless its PID file names a live process.
start_service() {
  local name=$1; shift
  if pid_alive "$RUN/$name.pid"; then
    say "$name already running (pid $(cat "$RUN/$name.pid")), reused"
    return 0
  fi
  rm -f "$RUN/$name.pid"
  # setsid: own process group, so stopping it takes its workers along and nothing else
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  say "$name started (pid $!, log $LOGS/$name.log)"
}

# stop_service NAME: stops the process group its PID file names (TERM, then KILL after 15 s).
stop_service() {
  local name=$1 pidfile="$RUN/$1.pid" pid i
  if ! pid_alive "$pidfile"; then
    [[ -e "$pidfile" ]] && { rm -f "$pidfile"; say "$name was not running (stale PID file removed)"; }
    return 0
  fi
  pid=$(cat "$pidfile")
  # started with setsid: the group id is the pid; only signal it if that is still so
  if [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]]; then kill -TERM -- "-$pid" 2>/dev/null || true
  else kill -TERM "$pid" 2>/dev/null || true; fi
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) did not stop on TERM, sending KILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "stopped $name (pid $pid)"
}

# wait_http NAME URL SECONDS: waits until URL answers any HTTP status; fails after SECONDS or when the
# service died. Prints progress every 5 s.
wait_http() {
  local name=$1 url=$2 limit=$3 start code
  start=$(date +%s)
  while :; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" || true)
    if [[ "$code" =~ ^[1-5][0-9][0-9]$ ]]; then
      say "$name answers ($code) after $(($(date +%s) - start))s"
      return 0
    fi
    pid_alive "$RUN/$name.pid" || { tail -30 "$LOGS/$name.log" >&2; die "$name exited (log: $LOGS/$name.log)"; }
    (($(date +%s) - start < limit)) || { tail -30 "$LOGS/$name.log" >&2; die "$name did not answer within ${limit}s (log: $LOGS/$name.log)"; }
    (((($(date +%s) - start)) % 5 == 0)) && say "waiting for $name at $url ($(($(date +%s) - start))s)"
    sleep 1
  done
}
