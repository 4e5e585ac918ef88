"""The CPython reference of codextel's conformance suite.

Renders the golden transcripts with CPython's own logging module and
python-json-logger, so that what adapters are compared with is what Python
writes, never what our Go code writes.

    python3 render.py SCENARIOS PREPARED OUT

SCENARIOS is conformance/scenarios (read for its directives: the policies a
scenario runs under and the secrets planted in it). PREPARED is what the Go
prepare step (go run ./internal/prepare) wrote: catalog.json, formats.json
and one <variant>.jsonl per scenario and policy, holding the events as the
telemetry bus delivers them to handlers. Redaction and scrubbing are
codextel's policy, not Python behaviour, so they are done in Go; everything
else is done here, independently of the Go code: the mapping of an event to a
logging.LogRecord (catalog lookup, choice of message by the data fields
present, str() of values, extras in order: metadata, measurements,
correlation ids) and all the formatting, by real logging.Formatter and
pythonjsonlogger.jsonlogger.JsonFormatter objects writing through a real
logging.StreamHandler.

OUT receives <variant>.<format>.log for each variant and format; stale *.log
files there are removed. The script fails when a planted secret appears in
any output, so a scrubber bug cannot be baked into a golden transcript.

Only the standard library and python-json-logger are used. The reference is
CPython 3.11 with python-json-logger 2.0.1 (Debian's python3 and
python3-pythonjsonlogger); other versions are refused.
"""

import calendar
import datetime
import io
import json
import logging
import os
import re
import sys
import time
from importlib.metadata import version

from pythonjsonlogger import jsonlogger

REFERENCE_PYTHON = (3, 11)
REFERENCE_JSONLOGGER = "2.0.1"

CORRELATION_FIELDS = ("correlation_id", "thread_id", "turn_id", "span_id", "parent_span_id")

TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")


class Fail(Exception):
    pass


def unix_nanos(text):
    """The instant an RFC 3339 time names, in integer nanoseconds."""
    m = TIME_RE.match(text)
    if not m:
        raise Fail("bad time %r" % text)
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    secs = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    zone = m.group(8)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        secs -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return secs * 10**9 + int(frac)


def seconds_double(ns):
    """time.time() for a clock reading of ns nanoseconds: CPython 3.11's
    _PyTime_AsSecondsDouble (Python/pytime.c)."""
    if ns % 10**9 == 0:
        return float(ns // 10**9)
    return float(ns) / 1e9


def timedelta_from_nanos(ns):
    """A Go duration as a timedelta: truncated toward zero to microseconds."""
    us = abs(ns) // 1000
    return datetime.timedelta(microseconds=us if ns >= 0 else -us)


def parse_template(text):
    """A catalog message template as (literal, is_field) parts: {key} is a
    field, {{ and }} are literal braces."""
    parts, lit, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c in "{}" and text[i + 1:i + 2] == c:
            lit.append(c)
            i += 2
        elif c == "{":
            end = text.index("}", i + 1)
            if lit:
                parts.append(("".join(lit), False))
                lit = []
            parts.append((text[i + 1:end], True))
            i = end + 1
        elif c == "}":
            raise Fail("lone } in template %r" % text)
        else:
            lit.append(c)
            i += 1
    if lit:
        parts.append(("".join(lit), False))
    return parts


class Catalog:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.entries = {e["name"]: e for e in doc["events"]}
        if [f["key"] for f in doc["correlation_fields"]] != list(CORRELATION_FIELDS):
            raise Fail("unexpected correlation fields %r" % doc["correlation_fields"])

    def measurement_type(self, entry, key):
        if entry is None:
            return None
        for f in entry["measurements"] or ():
            if f["key"] == key:
                return f["type"]
        return None

    def field(self, entry, key):
        for f in (entry["measurements"] or []) + (entry["metadata"] or []):
            if f["key"] == key:
                return f
        return None


def level_number(name):
    n = logging.getLevelName(name)
    if isinstance(n, int):
        return n
    m = re.fullmatch(r"Level (-?\d+)", name)
    if m:
        return int(m.group(1))
    raise Fail("unknown level %r" % name)


def measurement_value(kind, value):
    """A measurement as the Python value of its catalog type."""
    if kind == "duration":
        if not isinstance(value, int):
            raise Fail("duration %r is not integer nanoseconds" % (value,))
        return timedelta_from_nanos(value)
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    return value


def to_record(cat, event):
    """The logging.LogRecord an event stands for."""
    name = event["event"]
    metadata = event.get("metadata", {})
    entry = cat.entries.get(name)
    extras = list(metadata.items())
    for key, value in event.get("measurements", {}).items():
        extras.append((key, measurement_value(cat.measurement_type(entry, key), value)))
    ids = event.get("ids", {})
    for key in CORRELATION_FIELDS:
        if ids.get(key):
            extras.append((key, ids[key]))

    if entry is None:
        level = logging.INFO
        dot = name.rfind(".")
        logger = name[:dot] if dot > 0 else name
        message = name
    else:
        logger = entry["logger"]
        template, level = entry["message"], level_number(entry["level"])
        if entry.get("data_message"):
            data_fields = [key for key, is_field in parse_template(entry["data_message"])
                           if is_field and (cat.field(entry, key) or {}).get("data", "none") != "none"]
            if all(key in metadata for key in data_fields):
                template = entry["data_message"]
                if entry.get("data_level"):
                    level = level_number(entry["data_level"])
        values = {}
        for key, value in extras:
            values.setdefault(key, value)  # the first field of a name
        message = "".join(str(values.get(text)) if is_field else text
                          for text, is_field in parse_template(template))

    r = logging.LogRecord(logger, level, "(unknown file)", 0, message, (), None,
                          func="(unknown function)")
    ns = unix_nanos(event["time"])
    r.created = seconds_double(ns)
    r.msecs = int((r.created - int(r.created)) * 1000) + 0.0
    r.relativeCreated = 0.0
    for key, value in extras:
        # What Logger.makeRecord refuses: such an extra has no Python output.
        if key in ("message", "asctime") or key in r.__dict__:
            raise Fail("%s: extra %r would overwrite a LogRecord attribute" % (name, key))
        setattr(r, key, value)
    return r


class Handler(logging.StreamHandler):
    """A StreamHandler that fails loudly instead of printing a traceback."""

    def handleError(self, record):
        raise


def formatter(spec):
    if spec["json"]:
        return jsonlogger.JsonFormatter(spec["fmt"], spec["datefmt"],
                                        json_ensure_ascii=spec["ensure_ascii"])
    return logging.Formatter(spec["fmt"], spec["datefmt"])


def set_zone(tz):
    os.environ["TZ"] = tz
    time.tzset()


def read_scenario(path):
    """A scenario's policies (None when it names none), secrets, event lines."""
    policies, secrets, events, text = None, [], 0, ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                key, sep, value = stripped[1:].partition(":")
                if sep and key.strip() == "secret":
                    secrets.append(value.strip())
                elif sep and key.strip() == "policies":
                    policies = value.split()
                continue
            events += 1
            text += line
    for s in secrets:
        if s not in text:
            raise Fail("%s: the secret %r is planted in no event" % (path, s))
    return policies, secrets, events


def main(argv):
    if len(argv) != 4:
        raise Fail("usage: render.py SCENARIOS PREPARED OUT")
    scenarios_dir, prepared_dir, out_dir = argv[1:]
    if sys.version_info[:2] != REFERENCE_PYTHON or version("python-json-logger") != REFERENCE_JSONLOGGER:
        raise Fail("the reference is CPython %d.%d with python-json-logger %s; this is %s with %s" % (
            REFERENCE_PYTHON + (REFERENCE_JSONLOGGER, sys.version.split()[0], version("python-json-logger"))))
    cat = Catalog(os.path.join(prepared_dir, "catalog.json"))
    with open(os.path.join(prepared_dir, "formats.json"), encoding="utf-8") as f:
        formats = json.load(f)

    variants = []
    for fname in sorted(os.listdir(scenarios_dir)):
        if not fname.endswith(".jsonl"):
            continue
        scenario = fname[:-len(".jsonl")]
        policies, secrets, count = read_scenario(os.path.join(scenarios_dir, fname))
        for policy in policies or [None]:
            variants.append((scenario if policy is None else scenario + "." + policy, secrets, count))
    prepared = sorted(f for f in os.listdir(prepared_dir) if f.endswith(".jsonl"))
    if prepared != sorted(v + ".jsonl" for v, _, _ in variants):
        raise Fail("prepared files %r do not match the scenarios' variants %r" % (prepared, [v for v, _, _ in variants]))

    os.makedirs(out_dir, exist_ok=True)
    written = set()
    for variant, secrets, count in variants:
        with open(os.path.join(prepared_dir, variant + ".jsonl"), encoding="utf-8") as f:
            events = [json.loads(line) for line in f if line.strip()]
        if len(events) != count:
            raise Fail("%s: %d prepared events for %d in the scenario" % (variant, len(events), count))
        for spec in formats:
            set_zone(spec["tz"])
            out = os.path.join(out_dir, "%s.%s.log" % (variant, spec["name"]))
            buf = io.StringIO(newline="")
            h = Handler(buf)
            h.setFormatter(formatter(spec))
            for event in events:
                h.handle(to_record(cat, event))
            data = buf.getvalue().encode("utf-8")
            for s in secrets:
                if s.encode("utf-8") in data:
                    raise Fail("%s: the planted secret %r is in the output" % (out, s))
            with open(out, "wb") as f:
                f.write(data)
            written.add(os.path.basename(out))
    for fname in os.listdir(out_dir):
        if fname.endswith(".log") and fname not in written:
            os.remove(os.path.join(out_dir, fname))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Fail as e:
        sys.exit("render.py: %s" % e)
