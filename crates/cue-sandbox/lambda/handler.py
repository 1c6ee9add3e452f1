"""Cue's dry-run sandbox as an AWS Lambda function (DRY_RUN_BACKEND=lambda).

The gateway invokes it synchronously with the job its local sandbox feeds the harness:
{code, env, event, signing, simulator, limits}. It runs that same harness (harness.py, deployed
beside this file) the same way the local sandbox does: a new `python3 -I -S -B -c <harness>`
process per run, the job on its stdin, an empty environment (the harness installs the
workflow's own), a fresh working directory, the same wall-clock limit (DRY_RUN_TIMEOUT_SECONDS,
process start included) and 1 MiB of output. It answers what the local sandbox answers:
{result, calls, logs, error, duration_ms}, a limit broken or a crash being an `error` in it.

A job that is not one (a wrong shape) raises, which Lambda reports as a function error; the
gateway answers 502 `sandbox_failed` for it. The gateway judges every call again itself.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "harness.py"), encoding="utf-8") as _f:
    HARNESS = _f.read()

MARKER = "\x1ecue-dry-run\x1e"
# the same bound as cue-sandbox's local runner (MAX_OUTPUT_BYTES)
MAX_OUTPUT_BYTES = 1024 * 1024
# Lambda answers a synchronous invocation with at most 6 MB; the answer stays below it
MAX_ANSWER_BYTES = 5 * 1024 * 1024
# time the function keeps for itself after the run: reading, answering, cleaning up
RESERVE_SECONDS = 1.0
JOB_FIELDS = ("code", "env", "event", "signing", "simulator", "limits")


def lambda_handler(event, context):
    job = checked_job(event)
    limits = job["limits"]
    timeout = int(limits.get("timeout_seconds", 10))
    remaining = context.get_remaining_time_in_millis() / 1000.0 - RESERVE_SECONDS
    wall = max(1.0, min(float(timeout), remaining))
    started = time.monotonic()
    payload = json.dumps({k: job[k] for k in JOB_FIELDS}).encode("utf-8")
    answer = run_harness(payload, wall, timeout)
    answer["duration_ms"] = int((time.monotonic() - started) * 1000)
    if len(json.dumps(answer)) > MAX_ANSWER_BYTES:
        answer = failed("OutputLimit", "the dry run's answer is larger than the %d bytes it may return"
                        % MAX_ANSWER_BYTES)
        answer["duration_ms"] = int((time.monotonic() - started) * 1000)
    return answer


def checked_job(event):
    """The job, or ValueError naming what is wrong with it."""
    if not isinstance(event, dict):
        raise ValueError("the payload is not a dry-run job (a JSON object)")
    missing = [k for k in JOB_FIELDS if k not in event]
    if missing:
        raise ValueError("the dry-run job lacks %s" % ", ".join(missing))
    if not isinstance(event["code"], str):
        raise ValueError("the dry-run job's code is not text")
    env = event["env"]
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise ValueError("the dry-run job's env is not an object of texts")
    limits = event["limits"]
    if not isinstance(limits, dict) or not all(isinstance(v, int) for v in limits.values()):
        raise ValueError("the dry-run job's limits are not an object of integers")
    return event


def failed(kind, message):
    return {"result": None, "calls": [], "logs": [], "error": {"type": kind, "message": message, "line": None}}


def run_harness(payload, wall, timeout):
    """One harness process; its answer, or why it gave none."""
    workdir = tempfile.mkdtemp(prefix="cue-dry-run-")
    env = {}
    # the runtime's interpreter finds its shared library through this path; the harness clears
    # the environment before the workflow runs
    if os.environ.get("LD_LIBRARY_PATH"):
        env["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-B", "-c", HARNESS],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=workdir, close_fds=True, start_new_session=True,
        )
    except OSError as e:
        shutil.rmtree(workdir, ignore_errors=True)
        return failed("Crashed", "the sandbox could not start: %s" % e)
    try:
        return supervise(proc, payload, wall, timeout)
    finally:
        kill_group(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def supervise(proc, payload, wall, timeout):
    out = bytearray()

    def write():
        # a process that exits without reading its input is judged by its exit
        try:
            proc.stdin.write(payload)
        except OSError:
            pass
        try:
            proc.stdin.close()
        except OSError:
            pass

    def read():
        while len(out) <= MAX_OUTPUT_BYTES:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                return
            out.extend(chunk)

    def drain():
        # the process's own error output is never answered; it is read so it never blocks
        while proc.stderr.read1(65536):
            pass

    threads = [threading.Thread(target=t, daemon=True) for t in (write, read, drain)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + wall
    for t in threads[1:]:
        t.join(max(0.0, deadline - time.monotonic()))
        if len(out) > MAX_OUTPUT_BYTES:
            break
    if len(out) > MAX_OUTPUT_BYTES:
        kill_group(proc)
        return failed("OutputLimit", "the workflow wrote more than %d bytes" % MAX_OUTPUT_BYTES)
    if any(t.is_alive() for t in threads[1:]):
        kill_group(proc)
        return failed("Timeout", "the workflow ran longer than %d s" % int(wall if wall < timeout else timeout))
    try:
        status = proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        status = None
    answer = parse_answer(bytes(out))
    if answer is not None:
        return answer
    return exit_failure(status, timeout)


def kill_group(proc):
    """The process and anything left in its session."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        pass


def parse_answer(out):
    """The harness's answer: the last line that starts with the marker, when it is one."""
    text = out.decode("utf-8", "replace")
    # lines end at "\n" only: str.splitlines() would also split at the marker's own "\x1e"
    for line in reversed(text.split("\n")):
        line = line[:-1] if line.endswith("\r") else line
        if line.startswith(MARKER):
            try:
                value = json.loads(line[len(MARKER):])
            except ValueError:
                return None
            return value if is_outcome(value) else None
    return None


def is_outcome(value):
    """The shape the gateway reads (cue-workflows' SandboxOutcome)."""
    if not isinstance(value, dict):
        return False
    calls = value.get("calls", [])
    logs = value.get("logs", [])
    error = value.get("error")
    if not isinstance(calls, list) or not isinstance(logs, list):
        return False
    if not all(isinstance(line, str) for line in logs):
        return False
    for c in calls:
        if not (isinstance(c, dict) and isinstance(c.get("method"), str) and isinstance(c.get("url"), str)
                and isinstance(c.get("status"), int) and 0 <= c["status"] <= 65535
                and isinstance(c.get("step"), (str, type(None)))):
            return False
    if error is not None and not (isinstance(error, dict) and isinstance(error.get("type"), str)
                                  and isinstance(error.get("message"), str)
                                  and isinstance(error.get("line"), (int, type(None)))):
        return False
    return True


def exit_failure(status, timeout):
    """Why a process ended without an answer (the local runner's words)."""
    if status is not None and status < 0:
        sig = -status
        if sig == signal.SIGXCPU:
            return failed("CpuLimit", "the workflow used more than %d s of CPU time" % timeout)
        if sig == signal.SIGKILL:
            return failed("Crashed", "the dry-run process was killed (out of memory?)")
        return failed("Crashed", "the dry-run process died of signal %d" % sig)
    return failed("Crashed", "the dry-run process ended without an answer (exit status %s)"
                  % ("unknown" if status is None else status))
