"""Cue's dry-run harness: runs one workflow module against simulated vendors.

Started as `python3 -I -S -B -c <this file>` inside the sandbox, it reads one JSON job on stdin
({code, env, event, signing, simulator: {routes}, limits}), lowers its own resource limits,
replaces the environment with the workflow's, answers every HTTP call (urllib at the urlopen,
OpenerDirector and http.client levels) and every boto3 call from the simulator's routes,
runs `lambda_handler(event, context)` and writes one line, MARKER + JSON, to the stdout it
was started with: {result, calls, logs, error}. The workflow's own output goes to its logs.
Nothing here is trusted by the server: it checks every call again itself.
"""

import base64
import hashlib
import hmac
import io
import json
import os
import re
import resource
import signal
import sys
import time
import traceback
import types
import urllib.parse

MARKER = "\x1ecue-dry-run\x1e"
MODULE_FILE = "lambda_function.py"


class DryRunTimeout(BaseException):
    """Raised by the wall-clock alarm; a BaseException so `except Exception` cannot keep it."""


class DryRunCallLimit(BaseException):
    """Too many calls: a loop calling vendors without end."""


def main():
    raw = sys.stdin.buffer.read()
    job = json.loads(raw.decode("utf-8"))
    del raw
    limits = job.get("limits", {})
    result_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    state = State(limits)
    sys.stdout = sys.stderr = LogWriter(state)
    lower_limits(limits)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in job.get("env", {}).items()})
    install_network_guard()
    simulator = Simulator(job.get("simulator", {}).get("routes", []), state)
    install_http(simulator)
    install_boto3(simulator)
    install_stand_ins(simulator)
    time.sleep = lambda seconds: None  # retries and backoff do not wait in a dry run
    # read /etc/mime.types now: once the workflow runs, files outside /tmp are refused
    import mimetypes
    mimetypes.init()
    event = job.get("event")
    sign(event, job.get("signing") or [], os.environ)
    out = run(job.get("code", ""), event, state, limits)
    text = json.dumps(out, default=repr)
    os.write(result_fd, (MARKER + text + "\n").encode("utf-8"))


class State:
    def __init__(self, limits):
        self.calls = []
        self.logs = []
        self.log_bytes = 0
        self.max_log_bytes = int(limits.get("log_bytes", 256 * 1024))
        self.max_calls = int(limits.get("max_calls", 500))
        self.truncated = False
        self.caught = None
        # payloads of asynchronous invocations the function made of itself, run after it
        self.deferred = []

    def log(self, line):
        line = line.rstrip("\n")
        if not line:
            return
        if self.log_bytes + len(line) > self.max_log_bytes:
            if not self.truncated:
                self.truncated = True
                self.logs.append("(further output was dropped: the dry run keeps %d bytes)" % self.max_log_bytes)
            return
        self.log_bytes += len(line)
        self.logs.append(line)


class LogWriter(io.TextIOBase):
    """sys.stdout and sys.stderr: lines go to the run's logs, bounded."""

    def __init__(self, state):
        self.state = state
        self.pending = ""

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.state.truncated:
            return len(text)
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self.state.log(line)
        if len(self.pending) > 8192:
            self.state.log(self.pending)
            self.pending = ""
        return len(text)

    def flush(self):
        pass


def lower_limits(limits):
    """Limits the workflow cannot raise again: memory, CPU, processes, file sizes, open files."""
    memory = int(limits.get("memory_bytes", 256 * 1024 * 1024))
    cpu = int(limits.get("cpu_seconds", 10))
    for name, value in (
        ("RLIMIT_AS", memory),
        ("RLIMIT_CPU", cpu),
        ("RLIMIT_NPROC", 0),
        ("RLIMIT_FSIZE", 16 * 1024 * 1024),
        ("RLIMIT_NOFILE", 64),
        ("RLIMIT_CORE", 0),
    ):
        limit = getattr(resource, name, None)
        if limit is None:
            continue
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


def install_network_guard():
    """No socket reaches anything (bubblewrap removes the network; this says so clearly)."""
    import socket

    class NoNetwork(socket.socket):
        def connect(self, address):
            raise PermissionError("network access is disabled in a dry run (%r)" % (address,))

        def connect_ex(self, address):
            raise PermissionError("network access is disabled in a dry run (%r)" % (address,))

    socket.socket = NoNetwork

    def refuse(*args, **kwargs):
        raise PermissionError("network access is disabled in a dry run")

    socket.create_connection = refuse
    socket.getaddrinfo = refuse


# Audit events refused outright once the workflow's code runs: new processes, foreign code,
# links that could point out of /tmp, and the introspection that could reach the hook itself.
REFUSED_EVENTS = frozenset((
    "subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym",
    "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.addressof", "ctypes.call_function",
    "os.symlink", "os.link", "os.chroot", "socket.__new__", "socket.bind", "socket.connect",
    "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
    "socket.gethostbyaddr", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "sys.settrace", "sys.setprofile", "sys._current_frames", "mmap.__new__", "fcntl.ioctl",
    "resource.setrlimit", "resource.prlimit", "syslog.openlog", "webbrowser.open",
))
# Events that name paths: the event, the indexes of its path arguments, whether it reads only.
PATH_EVENTS = {
    "os.listdir": ((0,), True), "os.scandir": ((0,), True), "glob.glob": ((0,), True),
    "os.chdir": ((0,), True), "os.chmod": ((0,), False), "os.chown": ((0,), False),
    "os.remove": ((0,), False), "os.rename": ((0, 1), False), "os.rmdir": ((0,), False),
    "os.mkdir": ((0,), False), "os.truncate": ((0,), False), "os.utime": ((0,), False),
    "shutil.rmtree": ((0,), False), "os.setxattr": ((0,), False), "os.removexattr": ((0,), False),
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def install_audit_hook():
    """Refuses, through Python's audit hooks (PEP 578), what a dry run never needs: sockets
    (raw `_socket` included), new processes, foreign code (ctypes), and files other than the
    interpreter's own library and time zones (read only) and the run's working directory.

    Installed after the harness's own set-up, just before the workflow's module runs; a hook
    cannot be removed. Where bubblewrap runs the harness this repeats what its namespaces
    already hold; on Lambda, and locally without bubblewrap, it is what stops hostile code that
    stays inside Python. The hook calls nothing the workflow can replace (no module attribute,
    no builtin looked up at call time, no method of an object the workflow made). It is no
    barrier against an exploit of the interpreter itself (PEP 578 says as much):
    docs/dry-run.md states what is left."""
    import zoneinfo

    getcwd, realpath = os.getcwd, os.path.realpath
    type_of, length, denied = type, len, PermissionError
    str_type, bytes_type, int_type = str, bytes, int

    def normal(text):
        """`text` as an absolute path without `.`, `..` or doubled slashes (no file is read:
        the workflow can make no link, so the roots' own links are all there are)."""
        if not text.startswith("/"):
            text = getcwd() + "/" + text
        parts = []
        for part in text.split("/"):
            if part == ".." and parts:
                parts.pop()
            elif part not in ("", ".", ".."):
                parts.append(part)
        return "/" + "/".join(parts)

    def roots(paths):
        out = []
        for p in paths:
            if p and p != "/":
                out.append(normal(p))
                out.append(realpath(p))
        return tuple(out)

    readable = roots(list(sys.path) + list(zoneinfo.TZPATH))
    cwd = getcwd()
    writable = roots([cwd]) if cwd != "/" else ()
    devices = ("/dev/null", "/dev/urandom", "/dev/random")
    # private copies: the module's own names can be reached (and changed) by the workflow
    refused = frozenset(REFUSED_EVENTS)
    path_events = types.MappingProxyType(dict(PATH_EVENTS))
    write_flags = WRITE_FLAGS

    def under(path, places):
        for r in places:
            if path == r or path.startswith(r + "/"):
                return True
        return False

    def check_path(path, write):
        kind = type_of(path)
        if kind is int_type:  # an open descriptor, itself opened through this check
            return
        if kind is bytes_type:
            path = path.decode("utf-8", "surrogateescape")
        elif kind is not str_type:
            raise denied("a dry run names files by plain paths only")
        # a relative path is checked against the working directory, but may be opened from a
        # directory descriptor (`dir_fd`) the event does not show: it may not climb
        if not path.startswith("/") and ".." in path.split("/"):
            raise denied("a dry run opens no relative path with '..' (%s)" % path)
        where = normal(path)
        if where in devices or under(where, writable):
            return
        if not write and under(where, readable):
            return
        raise denied("a dry run may not %s %s" % ("write" if write else "read", where))

    def hook(event, args):
        if event in refused:
            raise denied("a dry run may not use %s" % event)
        if event == "open":
            path, mode, flags = args
            if path is None:
                return
            write = False
            if type_of(mode) is str_type:
                for c in "wax+":
                    if c in mode:
                        write = True
            elif type_of(flags) is int_type:
                write = (flags & write_flags) != 0
            check_path(path, write)
        elif event in path_events:
            indexes, read_only = path_events[event]
            for i in indexes:
                if i < length(args) and args[i] is not None:
                    check_path(args[i], not read_only)

    sys.addaudithook(hook)


def current_step():
    """The step function (`step_2_slack_post_message`) on the stack, as `step_2`."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == MODULE_FILE:
            m = re.match(r"(step_\d+)_", frame.f_code.co_name)
            if m:
                return m.group(1)
        frame = frame.f_back
    return None


class Simulator:
    def __init__(self, routes, state):
        self.routes = routes
        self.state = state
        for r in routes:
            if r.get("kind") in ("http", "sql"):
                r["_re"] = re.compile(r["pattern"])

    def record(self, method, url, request, status, headers=None):
        if len(self.state.calls) >= self.state.max_calls:
            raise DryRunCallLimit("the workflow made more than %d calls" % self.state.max_calls)
        call = {"step": current_step(), "method": method, "url": url, "request": request, "status": status}
        if headers:
            call["headers"] = headers
        self.state.calls.append(call)

    def http(self, method, url, request, headers=None):
        path = url.split("?", 1)[0].split("#", 1)[0]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
        for r in self.routes:
            if (
                r.get("kind") == "http"
                and r["method"] == method
                and r["_re"].fullmatch(path)
                and all(query.get(k) == [v] for k, v in (r.get("query") or {}).items())
            ):
                answer = r["answer"]
                self.record(method, url, request, answer["status"], headers)
                return answer["status"], answer["body"], answer.get("headers") or {}
        self.record(method, url, request, 404, headers)
        return 404, {"error": "Cue's dry run has no simulated answer for %s %s" % (method, path)}, {}

    def client(self, library, service, call, kwargs):
        """A method call on a boto3, Redis or MongoDB client."""
        url = "%s.%s" % (service, call)
        for r in self.routes:
            if r.get("kind") == "client" and r["library"] == library and r["service"] == service and r["call"] == call:
                answer = r["answer"]
                self.record(library, url, kwargs, answer["status"])
                return answer["status"], answer["body"]
        self.record(library, url, kwargs, 404)
        return 404, None

    def sql(self, dialect, statement, params):
        url = "%s:%s" % (dialect, " ".join(str(statement).split()))
        for r in self.routes:
            if r.get("kind") == "sql" and r["_re"].fullmatch(url):
                answer = r["answer"]
                self.record("sql", url, params, answer["status"])
                return answer["status"], answer["body"]
        self.record("sql", url, params, 404)
        return 404, None


def decode_body(data, content_type):
    """A request body as JSON (form fields as an object; multipart as its field names)."""
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        try:
            data = b"".join(data)
        except TypeError:
            return repr(data)
    text = bytes(data).decode("utf-8", "replace")
    ctype = (content_type or "").lower()
    if "x-www-form-urlencoded" in ctype:
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if "x-ndjson" in ctype:
        # one JSON document per line (Pinecone's upsert): one line reads as that document
        try:
            lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            return text
        return lines[0] if len(lines) == 1 else lines
    if "multipart/related" in ctype:
        # Google's upload: the JSON metadata part, then the media (its size only)
        parts = re.split(r"\r?\n--[^\r\n]*\r?\n|^--[^\r\n]*\r?\n", text)
        fields = {}
        for part in parts:
            head, _, content = part.partition("\r\n\r\n")
            if "application/json" in head.lower():
                try:
                    fields.update(json.loads(content.strip()))
                except ValueError:
                    pass
            elif content:
                fields["media"] = "<%d bytes>" % len(content.rstrip("\r\n-"))
        return fields
    if "multipart/form-data" in ctype:
        fields = {}
        for part in re.finditer(r'name="([^"]+)"(?:; filename="[^"]*")?\r?\n(?:[^\r\n]+\r?\n)*\r?\n(.*?)\r?\n--', text, re.S):
            fields[part.group(1)] = part.group(2)[:200]
        return fields
    try:
        return json.loads(text)
    except ValueError:
        return text


def sent_headers(req):
    """The request's headers as the vendor receives them: lower-case names, text values
    (`str()` of anything else, as http.client's putheader would send it), bounded."""
    out = {}
    try:
        items = list(req.header_items())
    except Exception:  # a hostile Request subclass: no headers rather than no run
        return out
    for name, value in items[:64]:
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode("latin-1")
        out[str(name).lower()[:200]] = str(value)[:4096]
    return out


def refuse_as_http_client(req):
    """What http.client's putheader refuses before anything is sent: a header name that is not
    a token, a value with a line break, a value that is not Latin-1 (Dropbox-API-Arg's JSON with
    an unescaped non-ASCII character fails here on a real Lambda too)."""
    import http.client

    legal_name = getattr(http.client, "_is_legal_header_name", None)
    illegal_value = getattr(http.client, "_is_illegal_header_value", None)
    for name, value in req.header_items():
        name = name.encode("ascii") if isinstance(name, str) else bytes(name)
        if legal_name is not None and not legal_name(name):
            raise ValueError("Invalid header name %r" % (name,))
        if isinstance(value, str):
            value = value.encode("latin-1")
        elif isinstance(value, int):
            value = str(value).encode("ascii")
        elif not isinstance(value, (bytes, bytearray)):
            continue
        if illegal_value is not None and illegal_value(bytes(value)):
            raise ValueError("Invalid header value %r" % (bytes(value),))


def install_http(simulator):
    """Every way the standard library opens a URL ends in the simulator."""
    import email.message
    import http.client
    import urllib.error
    import urllib.request
    import urllib.response

    def answer(req, data=None, timeout=None, *args, **kwargs):
        if isinstance(req, str):
            req = urllib.request.Request(req, data=data)
        elif data is not None:
            req.data = data
        method = req.get_method().upper()
        refuse_as_http_client(req)
        headers = sent_headers(req)
        request = decode_body(req.data, headers.get("content-type"))
        if req.data is not None and "content-type" not in headers:
            # what urllib's AbstractHTTPHandler.do_request_ adds to a request with a body and
            # no Content-Type: the vendor sees a form (the body is still read as JSON above, so
            # the verdict can name both)
            headers["content-type"] = "application/x-www-form-urlencoded"
        status, body, documented = simulator.http(method, req.full_url, request, headers)
        payload = body if isinstance(body, (bytes, str)) else json.dumps(body)
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        msg = email.message.Message()
        msg["Content-Type"] = "application/json"
        for name, value in documented.items():
            # the vendor's documented headers (TinyPNG's Location), its content type included
            del msg[name]
            msg[name] = str(value)
        if status >= 400:
            raise urllib.error.HTTPError(req.full_url, status, "simulated %d" % status, msg, io.BytesIO(payload))
        return urllib.response.addinfourl(io.BytesIO(payload), msg, req.full_url, status)

    urllib.request.urlopen = answer
    urllib.request.OpenerDirector.open = lambda self, fullurl, data=None, timeout=None: answer(fullurl, data)

    def no_connection(self, *args, **kwargs):
        raise PermissionError("network access is disabled in a dry run: %s" % self.host)

    http.client.HTTPConnection.connect = no_connection


class ClientError(Exception):
    """botocore.exceptions.ClientError as the generated code may catch it."""

    def __init__(self, error_response, operation_name):
        self.response = error_response
        self.operation_name = operation_name
        super().__init__("An error occurred (%s) when calling the %s operation" % (
            error_response.get("Error", {}).get("Code", "Unknown"), operation_name))


class BotoCoreError(Exception):
    """botocore.exceptions.BotoCoreError, the base of the errors botocore raises itself."""


class ParamValidationError(BotoCoreError):
    """botocore.exceptions.ParamValidationError, raised before a request is sent."""

    def __init__(self, names):
        super().__init__("Parameter validation failed:\n" + "\n".join(
            "Invalid type for parameter %s, value: None, type: <class 'NoneType'>" % name
            for name in names))


def none_parameters(value, name=""):
    """The parameters given as `None`, named as botocore names them (`Document.S3Object.Bucket`,
    `Items[0]`). botocore's validator (botocore/validate.py, `ParamValidator`: every type check
    but a document's refuses `None`) stops such a call before it is sent, so the step that
    sends a record's missing field fails there, as deployed code would, instead of a later step
    failing on its answer. Values inside a document type may be `None`; no generated call sends
    a record's field into one."""
    if value is None:
        return [name or "input"]
    if isinstance(value, dict):
        return [n for k, v in value.items() for n in none_parameters(v, "%s.%s" % (name, k) if name else str(k))]
    if isinstance(value, (list, tuple)):
        return [n for i, v in enumerate(value) for n in none_parameters(v, "%s[%d]" % (name, i))]
    return []


class StreamingBody:
    def __init__(self, data):
        self._stream = io.BytesIO(data if isinstance(data, bytes) else str(data).encode("utf-8"))

    def read(self, amt=None):
        return self._stream.read(amt)


def install_boto3(simulator):
    """A `boto3` whose clients record each call and answer from the simulator."""

    class Client:
        def __init__(self, service):
            self._service = service

        def __getattr__(self, call):
            if call.startswith("_"):
                raise AttributeError(call)

            def invoke(**kwargs):
                if self._service == "lambda" and call == "invoke" and deferred_to_self(kwargs):
                    # the workflow answered its sender first and runs itself again, as Lambda
                    # would run an asynchronous invocation: after this one, in this run. Not a
                    # vendor call, so it is logged rather than listed with the calls.
                    simulator.state.log("INFO the function invoked itself asynchronously; "
                                        "that run follows")
                    simulator.state.deferred.append(kwargs.get("Payload"))
                    return {"StatusCode": 202, "ResponseMetadata": {"HTTPStatusCode": 202}}
                if call == "generate_presigned_url":
                    # made by boto3 on the function's own machine, not sent to AWS: a URL of the
                    # same form, whose fetch is the vendor's (simulated) business
                    params = kwargs.get("Params") or {}
                    return "https://%s.s3.amazonaws.com/%s?X-Amz-Expires=%s&X-Amz-Signature=dry-run" % (
                        params.get("Bucket"), urllib.parse.quote(str(params.get("Key"))), kwargs.get("ExpiresIn", 3600))
                refused = none_parameters(kwargs)
                if refused:
                    # botocore validates the parameters before it sends anything
                    raise ParamValidationError(refused)
                status, body = simulator.client("boto3", self._service, call, plain(kwargs))
                if status >= 400:
                    raise ClientError({"Error": {"Code": "NotSimulated", "Message": "no simulated answer"},
                                       "ResponseMetadata": {"HTTPStatusCode": status}}, call)
                answer = dict(body) if isinstance(body, dict) else {"Result": body}
                if isinstance(answer.get("Body"), (str, bytes)):
                    answer["Body"] = StreamingBody(answer["Body"])
                answer.setdefault("ResponseMetadata", {"HTTPStatusCode": status})
                return answer

            return invoke

    boto3 = types.ModuleType("boto3")
    boto3.client = lambda service, *args, **kwargs: Client(service)
    boto3.Session = lambda *args, **kwargs: types.SimpleNamespace(client=boto3.client)
    botocore = types.ModuleType("botocore")
    exceptions = types.ModuleType("botocore.exceptions")
    exceptions.ClientError = ClientError
    exceptions.BotoCoreError = BotoCoreError
    exceptions.ParamValidationError = ParamValidationError
    botocore.exceptions = exceptions
    sys.modules.update({"boto3": boto3, "botocore": botocore, "botocore.exceptions": exceptions})


def deferred_to_self(kwargs):
    """An asynchronous invocation of the running function itself (`InvocationType="Event"`)."""
    return (kwargs.get("InvocationType") == "Event"
            and kwargs.get("FunctionName") in (Context.invoked_function_arn, Context.function_name))


def plain(value):
    """Arguments as JSON values, for the record."""
    return json.loads(json.dumps(value, default=str))


class NotSimulated(RuntimeError):
    pass


def client_call(simulator, library, service, call, args, kwargs):
    status, body = simulator.client(library, service, call, plain(kwargs or {"args": list(args)}))
    if status >= 400:
        raise NotSimulated("Cue's dry run has no simulated answer for %s %s" % (library, call))
    return body


class CallRecorder:
    """A Redis client or a MongoDB collection: every method call is a recorded call."""

    def __init__(self, simulator, library, service):
        self._simulator, self._library, self._service = simulator, library, service

    def __getattr__(self, call):
        if call.startswith("_"):
            raise AttributeError(call)
        return lambda *args, **kwargs: client_call(
            self._simulator, self._library, self._service, call, args, kwargs)


def install_stand_ins(simulator):
    """Stand-ins for the database and cache clients generated code uses, answering from the
    simulator: pg8000.native, pymysql, redis, pymongo, imaplib, smtplib."""

    def sql_rows(dialect, statement, params):
        status, body = simulator.sql(dialect, statement, plain(params or {}))
        if status >= 400:
            raise NotSimulated("Cue's dry run has no simulated answer for this %s statement" % dialect)
        return [r for r in (body if isinstance(body, list) else []) if isinstance(r, dict)]

    class PgConnection:
        def __init__(self, *args, **kwargs):
            self.columns = None

        def run(self, statement, **params):
            rows = sql_rows("postgres", statement, params)
            names = list(rows[0].keys()) if rows else []
            self.columns = [{"name": n} for n in names]
            return [[row.get(n) for n in names] for row in rows]

        def close(self):
            pass

    class MyCursor:
        def __init__(self):
            self._rows = []

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, statement, params=None):
            self._rows = sql_rows("mysql", statement, params)
            return len(self._rows)

        def fetchall(self):
            return list(self._rows)

    class MyConnection:
        def cursor(self, *args, **kwargs):
            return MyCursor()

        def commit(self):
            pass

        def close(self):
            pass

    class Redis(CallRecorder):
        def __init__(self, *args, **kwargs):
            super().__init__(simulator, "redis", "redis")

        @classmethod
        def from_url(cls, *args, **kwargs):
            return cls()

    class Indexable:
        def __init__(self, make):
            self._make = make

        def __getitem__(self, name):
            return self._make()

        def __getattr__(self, name):
            if name.startswith("_"):
                raise AttributeError(name)
            return self._make()

    def mongo_client(*args, **kwargs):
        return Indexable(lambda: Indexable(lambda: CallRecorder(simulator, "pymongo", "mongodb")))

    pg8000 = types.ModuleType("pg8000")
    native = types.ModuleType("pg8000.native")
    native.Connection = PgConnection
    pg8000.native = native
    pymysql = types.ModuleType("pymysql")
    cursors = types.ModuleType("pymysql.cursors")
    cursors.DictCursor = object
    pymysql.cursors = cursors
    pymysql.connect = lambda *args, **kwargs: MyConnection()
    redis = types.ModuleType("redis")
    redis.Redis = redis.StrictRedis = Redis
    redis.from_url = Redis.from_url
    pymongo = types.ModuleType("pymongo")
    pymongo.MongoClient = mongo_client
    sys.modules.update({"pg8000": pg8000, "pg8000.native": native, "pymysql": pymysql,
                        "pymysql.cursors": cursors, "redis": redis, "pymongo": pymongo,
                        "imaplib": imap_stand_in(simulator), "smtplib": smtp_stand_in(simulator)})


# the bytes of an attachment of a simulated mail (the simulator's sample file)
SAMPLE_ATTACHMENT = b"%PDF-1.4\n% a sample file from Cue's dry run\n%%EOF\n"


def imap_stand_in(simulator):
    """An `imaplib` whose mailbox is the simulator's: `search` is the recorded call (method
    `imaplib`, URL `imap.search`) and answers the route's sample mails as message numbers;
    `fetch` answers each as an RFC 822 message (From, Subject, Date, a text body and its
    attachments), in the shapes imaplib returns. No socket is opened."""
    import email.message
    import email.policy
    import imaplib as real

    def message_of(mail):
        message = email.message.EmailMessage(policy=email.policy.default)
        for header, keys in (("From", ("from", "sender")), ("To", ("to",)),
                             ("Subject", ("subject",)), ("Date", ("date",))):
            value = next((mail.get(k) for k in keys if mail.get(k)), None)
            if value:
                message[header] = str(value)
        message.set_content(str(mail.get("text") or mail.get("body") or ""))
        for name in mail.get("attachments") or []:
            message.add_attachment(SAMPLE_ATTACHMENT, maintype="application", subtype="pdf",
                                   filename=str(name))
        return message.as_bytes()

    class Mailbox:
        def __init__(self, host="", port=None, *args, **kwargs):
            self.mails = []

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def login(self, user, password):
            return "OK", [b"LOGIN completed"]

        def select(self, mailbox="INBOX", readonly=False):
            return "OK", [str(len(self.mails)).encode()]

        def search(self, charset, *criteria):
            criteria = " ".join(c.decode() if isinstance(c, bytes) else str(c) for c in criteria)
            body = client_call(simulator, "imaplib", "imap", "search", (),
                               {"charset": charset, "criteria": criteria})
            self.mails = [m for m in (body if isinstance(body, list) else []) if isinstance(m, dict)]
            return "OK", [" ".join(str(i + 1) for i in range(len(self.mails))).encode()]

        def fetch(self, message_set, parts):
            number = message_set.decode() if isinstance(message_set, bytes) else str(message_set)
            index = int(number) - 1 if number.isdigit() else -1
            if not 0 <= index < len(self.mails):
                return "NO", [None]
            raw = message_of(self.mails[index])
            return "OK", [(("%s (RFC822 {%d}" % (number, len(raw))).encode(), raw), b")"]

        def store(self, *args):
            return "OK", [None]

        def close(self):
            return "OK", [b"CLOSE completed"]

        def logout(self):
            return "BYE", [b"LOGOUT completed"]

    imaplib = types.ModuleType("imaplib")
    imaplib.IMAP4 = imaplib.IMAP4_SSL = Mailbox
    imaplib.IMAP4_PORT, imaplib.IMAP4_SSL_PORT = real.IMAP4_PORT, real.IMAP4_SSL_PORT
    imaplib.IMAP4.error = real.IMAP4.error
    return imaplib


def smtp_stand_in(simulator):
    """An `smtplib` whose server is the simulator's: `send_message` (and `sendmail`) is the
    recorded call (method `smtplib`, URL `smtp.send_message`, the message's From, To, Cc,
    Subject, text body and attachment names), refused as smtplib refuses a message without
    a recipient (`SMTPRecipientsRefused`). No socket is opened."""
    import email
    import email.policy
    import email.utils
    import smtplib as real

    def fields_of(message, from_addr, to_addrs):
        text, attachments = "", []
        for part in message.walk():
            if part.is_multipart():
                continue
            name = part.get_filename()
            if name:
                attachments.append(name)
            elif not text and part.get_content_type().startswith("text/"):
                payload = part.get_payload(decode=True) or b""
                text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        if to_addrs is None:
            headers = [str(h) for h in (message["To"], message["Cc"], message["Bcc"]) if h is not None]
            to_addrs = [a for _, a in email.utils.getaddresses(headers) if a]
        elif isinstance(to_addrs, str):
            to_addrs = [to_addrs]
        return {"from": str(from_addr or message["Sender"] or message["From"] or ""),
                "to": ", ".join(str(a) for a in to_addrs), "subject": str(message["Subject"] or ""),
                "body": text, "attachments": attachments}

    class Server:
        def __init__(self, host="", port=0, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def connect(self, *args, **kwargs):
            return 220, b"dry-run SMTP ready"

        def ehlo(self, *args, **kwargs):
            return 250, b"dry-run"

        helo = ehlo

        def ehlo_or_helo_if_needed(self):
            pass

        def starttls(self, *args, **kwargs):
            return 220, b"Ready to start TLS"

        def login(self, user, password, *args, **kwargs):
            return 235, b"Authentication succeeded"

        def set_debuglevel(self, level):
            pass

        def noop(self):
            return 250, b"OK"

        def send_message(self, msg, from_addr=None, to_addrs=None, *args, **kwargs):
            fields = fields_of(msg, from_addr, to_addrs)
            if not fields["to"]:
                raise real.SMTPRecipientsRefused({})
            client_call(simulator, "smtplib", "smtp", "send_message", (), fields)
            return {}

        def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
            if isinstance(msg, str):
                msg = msg.encode("utf-8")
            message = email.message_from_bytes(msg, policy=email.policy.default)
            return self.send_message(message, from_addr, to_addrs)

        def quit(self):
            return 221, b"Bye"

        def close(self):
            pass

    smtplib = types.ModuleType("smtplib")
    for name in dir(real):
        value = getattr(real, name)
        if isinstance(value, type) and issubclass(value, Exception) or name.endswith("_PORT") or name == "CRLF":
            setattr(smtplib, name, value)
    smtplib.SMTP = smtplib.SMTP_SSL = smtplib.LMTP = Server
    return smtplib


def sign(event, signing, env):
    """Signs a function URL request the way its vendor does, with the run's secret."""
    if not signing or not isinstance(event, dict) or not isinstance(event.get("body"), str):
        return
    headers = event.setdefault("headers", {})
    now = int(time.time())
    for s in signing:
        secret = env.get(s["secret"], "")
        kind = s["kind"]
        if kind == "token" and s.get("body_field"):
            try:
                body = json.loads(event["body"])
            except ValueError:
                continue
            if isinstance(body, dict):
                body[s["body_field"]] = s.get("prefix", "") + secret
                event["body"] = json.dumps(body)
        elif kind == "token":
            headers[s["header"]] = s.get("prefix", "") + secret
        elif kind == "url_secret":
            query = urllib.parse.urlencode({s["query"]: secret})
            event["rawQueryString"] = query
            event.setdefault("queryStringParameters", {})[s["query"]] = secret
        elif kind == "hmac":
            sign_hmac(event, headers, s, secret, now)
        elif kind == "jwt":
            sign_jwt(event, headers, s, secret, now)


def sign_jwt(event, headers, s, secret, now):
    """A JSON Web Token over the vendor's claims: its issuer and the body's digest, in a header
    (HS256 under the secret); or the body's own claims as the body (RS256 under a key pair made
    for this run, whose public key becomes the secret the workflow checks with: Wix)."""
    def b64url(raw):
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    claims = {"iat": now}
    if s.get("in_body"):
        try:
            body = json.loads(event["body"])
        except ValueError:
            return
        if isinstance(body, dict):
            claims.update(body)
        claims["exp"] = now + 300
    if s.get("issuer") is not None:
        claims["iss"] = s["issuer"]
    if s.get("digest_claim"):
        digest = getattr(hashlib, s["digest_algorithm"])(event["body"].encode("utf-8")).digest()
        claims[s["digest_claim"]] = (base64.b64encode(digest).decode("ascii")
                                     if s.get("digest_encoding") == "base64" else digest.hex())
    algorithm = s.get("algorithm") or "HS256"
    signed = b64url(json.dumps({"alg": algorithm, "typ": "JWT"}).encode()) + "." + b64url(json.dumps(claims).encode())
    if algorithm == "RS256":
        pem, sign_rs256 = rsa_test_key()
        os.environ[s["secret"]] = pem
        signature = sign_rs256(signed.encode("ascii"))
    else:
        signature = hmac.new(secret.encode("utf-8"), signed.encode("ascii"), hashlib.sha256).digest()
    token = signed + "." + b64url(signature)
    if s.get("in_body"):
        event["body"] = token
        event.setdefault("headers", {})["content-type"] = "text/plain"
    else:
        headers[s["header"]] = s.get("prefix", "") + token


def rsa_test_key(bits=1024):
    """A throwaway RSA key pair for this run: (public key as PEM text, RS256 signer)."""
    import secrets

    def prime(size):
        while True:
            candidate = secrets.randbits(size) | (1 << (size - 1)) | 1
            if all(candidate % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and probably_prime(candidate):
                return candidate

    def probably_prime(n):
        d, r = n - 1, 0
        while d % 2 == 0:
            d, r = d // 2, r + 1
        for _ in range(24):
            x = pow(secrets.randbelow(n - 3) + 2, d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                return False
        return True

    e = 65537
    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            break
    n, d = p * q, pow(e, -1, (p - 1) * (q - 1))
    size = (n.bit_length() + 7) // 8

    def der(tag, content):
        length = len(content)
        head = bytes([length]) if length < 0x80 else bytes([0x80 | ((length.bit_length() + 7) // 8)]) + length.to_bytes((length.bit_length() + 7) // 8, "big")
        return bytes([tag]) + head + content

    def integer(value):
        raw = value.to_bytes((value.bit_length() + 8) // 8, "big")
        return der(0x02, raw)

    rsa_key = der(0x30, integer(n) + integer(e))
    algorithm = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + der(0x05, b""))
    spki = der(0x30, algorithm + der(0x03, b"\x00" + rsa_key))
    text = base64.b64encode(spki).decode("ascii")
    pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(text[i:i + 64] for i in range(0, len(text), 64)) + "\n-----END PUBLIC KEY-----\n"

    def sign_rs256(message):
        digest = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(message).digest()
        encoded = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
        return pow(int.from_bytes(encoded, "big"), d, n).to_bytes(size, "big")

    return pem, sign_rs256


def sign_hmac(event, headers, s, secret, now):
    stamp = str(now * 1000 if s.get("milliseconds") else now)
    if s.get("iso8601"):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    source = s.get("timestamp_from") or ""
    if source.startswith("header:"):
        headers[source[len("header:"):]] = stamp
    elif source.startswith("body:"):
        try:
            body = json.loads(event["body"])
            node = body
            keys = source[len("body:"):].split(".")
            for k in keys[:-1]:
                node = node.setdefault(k, {})
            node[keys[-1]] = int(stamp)
            event["body"] = json.dumps(body)
        except (ValueError, AttributeError, TypeError):
            pass
    body = event["body"]
    host = headers.get("host", "")
    url = "https://%s%s" % (host, event.get("rawPath", "/"))
    if event.get("rawQueryString"):
        url += "?" + event["rawQueryString"]

    def part(match):
        name = match.group(1)
        if name == "body":
            return body
        if name == "timestamp":
            return stamp
        if name == "url":
            return url
        if name == "method":
            return event.get("requestContext", {}).get("http", {}).get("method", "POST")
        if name == "form_sorted":
            fields = sorted(urllib.parse.parse_qsl(body, keep_blank_values=True))
            return "".join(k + v for k, v in fields)
        if name.startswith("header:"):
            return headers.get(name[len("header:"):].lower(), "")
        return match.group(0)

    signed = re.sub(r"\{([a-z_]+(?::[A-Za-z0-9_-]+)?)\}", part, s["signed"])
    key = secret.encode("utf-8")
    if s.get("secret_base64"):
        text = secret.split("_", 1)[1] if "_" in secret else secret
        try:
            key = base64.b64decode(text)
        except ValueError:
            pass
    digest = hmac.new(key, signed.encode("utf-8"), getattr(hashlib, s["algorithm"])).digest()
    encoded = base64.b64encode(digest).decode("ascii") if s["encoding"] == "base64" else digest.hex()
    value = s.get("prefix", "") + encoded
    pairs = s.get("pairs")
    if pairs:
        parts = []
        assign = pairs.get("assign") or "="
        if pairs.get("timestamp"):
            parts.append("%s%s%s" % (pairs["timestamp"], assign, stamp))
        parts.append("%s%s%s" % (pairs["signature"], assign, value))
        value = pairs.get("separator", ",").join(parts)
    if s.get("query"):
        # the vendor appends it to the URL it calls (PandaDoc's ?signature=)
        event.setdefault("queryStringParameters", {})[s["query"]] = value
        extra = urllib.parse.urlencode({s["query"]: value})
        event["rawQueryString"] = (event.get("rawQueryString") + "&" + extra
                                   if event.get("rawQueryString") else extra)
    else:
        headers[s["header"]] = value


class Context:
    function_name = "cue-dry-run"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cue-dry-run"
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/cue-dry-run"
    log_stream_name = "dry-run"

    def __init__(self, deadline):
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_of(exc, limits):
    """{type, message, line} of an exception, the line in the workflow's module."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == MODULE_FILE:
            line = frame.lineno
    kind = type(exc).__name__
    message = str(exc)
    if isinstance(exc, MemoryError):
        kind, message = "MemoryLimit", "the workflow needed more than %d MiB of memory" % (
            int(limits.get("memory_bytes", 0)) // (1024 * 1024))
    elif isinstance(exc, DryRunTimeout):
        kind, message = "Timeout", "the workflow ran longer than %s s" % limits.get("timeout_seconds")
    elif isinstance(exc, DryRunCallLimit):
        kind = "CallLimit"
    elif isinstance(exc, SyntaxError):
        line = exc.lineno
    return {"type": kind, "message": message[:2000], "line": line}


def run(code, event, state, limits):
    import logging

    class Capture(logging.Handler):
        def emit(self, record):
            try:
                state.log("%s %s" % (record.levelname, record.getMessage()))
            except Exception:  # a bad format string in the workflow's own log call
                state.log("%s %s" % (record.levelname, record.msg))
            if record.exc_info and state.caught is None:
                state.caught = error_of(record.exc_info[1], limits)

    root = logging.getLogger()
    root.handlers[:] = [Capture()]
    root.setLevel(logging.INFO)

    timeout = float(limits.get("timeout_seconds", 10))
    soft = max(0.5, timeout - 1.0)

    def alarm(signum, frame):
        raise DryRunTimeout()

    signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, soft)
    result, error = None, None
    try:
        module = types.ModuleType("lambda_function")
        module.__file__ = MODULE_FILE
        sys.modules["lambda_function"] = module
        install_audit_hook()
        exec(compile(code, MODULE_FILE, "exec"), module.__dict__)
        handler = getattr(module, "lambda_handler", None)
        if handler is None:
            raise NameError("the module defines no lambda_handler(event, context)")
        context = Context(time.monotonic() + soft)
        result = handler(event, context)
        # asynchronous invocations the function made of itself run next, as Lambda runs them
        for _ in range(3):
            deferred, state.deferred = state.deferred, []
            for payload in deferred:
                if isinstance(payload, (bytes, bytearray)):
                    payload = payload.decode("utf-8")
                handler(json.loads(payload) if isinstance(payload, str) else payload, context)
    except BaseException as exc:  # everything the workflow raises is the answer
        error = error_of(exc, limits)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if error is None and state.caught is not None:
        error = state.caught
    try:
        result = json.loads(json.dumps(result, default=repr))
    except (TypeError, ValueError, RecursionError):
        result = repr(result)[:2000]
    return {"result": result, "calls": state.calls, "logs": state.logs, "error": error}


main()
