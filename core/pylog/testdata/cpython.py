"""Answers the pylog tests' questions with CPython itself.

One request per line on stdin, one answer per line on stdout, both JSON, so
a single long-lived interpreter serves a whole test run (fuzzing included).
Values travel in a tagged form that keeps what plain JSON would lose:

  {"t": "s", "b": HEX}    str: UTF-8 bytes, decoded with errors='replace'
  {"t": "f", "x": HEX}    float: the 8 big-endian bytes of the double
  {"t": "i", "v": DIGITS} int
  {"t": "b", "v": BOOL}   bool
  {"t": "n"}              None
  {"t": "l", "v": [...]}  list
  {"t": "d", "v": [[KEY, VALUE], ...]}  dict, keys tagged too
  {"t": "dt", "s": SECONDS, "us": MICROS, "off": OFFSET_SECONDS}  aware datetime
  {"t": "td", "us": MICROS}  timedelta
  {"t": "by", "b": HEX}   bytes

Answers are {"out": HEX} (the UTF-8 of the resulting text) or {"err": TEXT}.
"""
import datetime
import json
import logging
import os
import struct
import sys
import time

try:
    from pythonjsonlogger import jsonlogger
except ImportError:  # the Go side checks for it separately
    jsonlogger = None


def value(d):
    t = d["t"]
    if t == "s":
        return bytes.fromhex(d["b"]).decode("utf-8", "replace")
    if t == "f":
        return struct.unpack(">d", bytes.fromhex(d["x"]))[0]
    if t == "i":
        return int(d["v"])
    if t == "b":
        return bool(d["v"])
    if t == "n":
        return None
    if t == "l":
        return [value(x) for x in d["v"]]
    if t == "d":
        return {value(k): value(v) for k, v in d["v"]}
    if t == "dt":
        tz = datetime.timezone(datetime.timedelta(seconds=d["off"]))
        return datetime.datetime.fromtimestamp(d["s"], tz).replace(microsecond=d["us"])
    if t == "td":
        return datetime.timedelta(microseconds=d["us"])
    if t == "by":
        return bytes.fromhex(d["b"])
    raise ValueError("unknown tag %r" % t)


class GoError(Exception):
    """An exception whose formatted text is exactly its message."""


def record(d):
    r = logging.LogRecord(d.get("name", "root"), d.get("levelno", 20),
                          d.get("pathname", "(unknown file)"), d.get("lineno", 0),
                          value(d["msg"]) if "msg" in d else "", (), None,
                          func=d.get("funcName", "(unknown function)"))
    r.created = struct.unpack(">d", bytes.fromhex(d["created"]))[0]
    r.msecs = int((r.created - int(r.created)) * 1000) + 0.0
    r.relativeCreated = (r.created - struct.unpack(">d", bytes.fromhex(d["start"]))[0]) * 1000
    r.process, r.processName = d.get("process", 1), d.get("processName", "MainProcess")
    r.thread, r.threadName = d.get("thread", 1), d.get("threadName", "MainThread")
    for k, v in d.get("extra", []):
        setattr(r, value(k), value(v))
    if "exc" in d:
        r.exc_info = (GoError, GoError(value(d["exc"])), None)
    return r


def format_exception(ei):
    """logging.Formatter.formatException for a Go error: its text stands
    for the traceback, and loses one trailing newline as a traceback does."""
    s = str(ei[1])
    if s[-1:] == "\n":
        s = s[:-1]
    return s


class Formatter(logging.Formatter):
    def formatException(self, ei):
        return format_exception(ei)


class JsonFormatter(jsonlogger.JsonFormatter if jsonlogger else object):
    def formatException(self, ei):
        return format_exception(ei)


def set_tz(tz):
    if os.environ.get("TZ") != tz:
        os.environ["TZ"] = tz
        time.tzset()


def answer(req):
    op = req["op"]
    if op == "str":
        return str(value(req["v"]))
    if op == "repr":
        return repr(value(req["v"]))
    if op == "ascii":
        return ascii(value(req["v"]))
    if op == "json":
        v = value(req["v"])
        enc = jsonlogger.JsonEncoder if jsonlogger else json.JSONEncoder
        return json.dumps(v, cls=enc, ensure_ascii=req.get("ascii", True))
    if op == "printable":
        return "".join("1" if chr(c).isprintable() else "0"
                       for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    if op == "strftime":
        set_tz(req.get("tz", "UTC"))
        return time.strftime(value(req["fmt"]), time.localtime(req["secs"]))
    if op == "format":
        set_tz(req.get("tz", "UTC"))
        f = Formatter(value(req["fmt"]), req.get("datefmt"), style=req.get("style", "%"))
        return f.format(record(req["record"]))
    if op == "jsonformat":
        set_tz(req.get("tz", "UTC"))
        kw = {}
        if "timestamp" in req:
            kw["timestamp"] = req["timestamp"]
        f = JsonFormatter(value(req["fmt"]), req.get("datefmt"), style=req.get("style", "%"),
                          json_ensure_ascii=req.get("ascii", True), **kw)
        return f.format(record(req["record"]))
    raise ValueError("unknown op %r" % op)


def main():
    out = sys.stdout
    try:
        from importlib.metadata import version
        jl = version("python-json-logger") if jsonlogger else None
    except Exception:
        jl = None
    out.write(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "jsonlogger": jl}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            res = {"out": answer(json.loads(line)).encode("utf-8").hex()}
        except Exception as e:  # the Go side reports it
            res = {"err": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(res) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
