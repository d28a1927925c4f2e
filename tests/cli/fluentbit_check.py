#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# fluentbit_check.py - runs the parse steps of a Fluent Bit classic config (Fluent Bit is not
# in Debian 12) on a CRI-format container log and compares the records with the events the
# tracer printed.  Implements what deploy/fluent-bit.conf uses: tail's path glob, its
# built-in "cri" multiline parser (split lines joined) or a regex parser, Time_Key / Time_Format (%Y %m %d %H %M %S %L %z) / Time_Keep, the grep filter
# (Regex, Exclude), the parser filter (Key_Name, json parser, Reserve_Data) and
# record_modifier (Record, ${ENV}).  Anything else in the config is an error, so the checker
# cannot silently skip a step.
#
# Usage: fluentbit_check.py NAME CONF CRI_LOG EXPECTED_JSONL KUBELET_LOG_NAME
#   CRI_LOG: lines "<time> <stdout|stderr> <F|P> <message>"; EXPECTED_JSONL: the tracer's
#   stdout; KUBELET_LOG_NAME: the file name the kubelet gives the tracer's log, which the
#   tail input's Path must match.  Prints "ok NAME_<step>" / "not ok ..." lines.
import calendar
import fnmatch
import json
import os
import re
import sys

name, conf, cri_log, expected, log_name = sys.argv[1:6]
failed = False


def result(step, problems):
    global failed
    problems = [p for p in problems if p]
    if problems:
        failed = True
        print(f"not ok {name}_{step}")
        for p in problems[:10]:
            print(f"# {p}")
    else:
        print(f"ok {name}_{step}")


def read_sections(path):
    """[SECTION] blocks of 'Key Value' lines, in order; keys keep their case."""
    out = []
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if s.startswith("[") and s.endswith("]"):
                out.append((s[1:-1].upper(), []))
                continue
            k, _, v = s.partition(" ")
            out[-1][1].append((k, v.strip()))
    return out


def get(kv, key, default=None):
    vals = [v for k, v in kv if k.lower() == key.lower()]
    return vals[-1] if vals else default


def time_regex(fmt):
    """Fluent Bit Time_Format -> a regex with named groups."""
    parts = {"%Y": r"(?P<Y>\d{4})", "%m": r"(?P<m>\d{2})", "%d": r"(?P<d>\d{2})",
             "%H": r"(?P<H>\d{2})", "%M": r"(?P<M>\d{2})", "%S": r"(?P<S>\d{2})",
             "%L": r"(?P<L>\d+)", "%z": r"(?P<z>Z|[+-]\d{2}:?\d{2})"}
    rx, i = "", 0
    while i < len(fmt):
        tok = fmt[i:i + 2]
        if tok in parts:
            rx += parts[tok]
            i += 2
        elif fmt[i] == "%":
            raise ValueError(f"Time_Format {fmt!r}: {tok} not supported by this checker")
        else:
            rx += re.escape(fmt[i])
            i += 1
    return re.compile(rx + "$")


def parse_time(rx, s):
    m = rx.match(s)
    if not m:
        return None
    g = m.groupdict()
    sec = calendar.timegm((int(g["Y"]), int(g["m"]), int(g["d"]), int(g["H"]), int(g["M"]),
                           int(g["S"])))
    ns = int((g.get("L") or "0").ljust(9, "0")[:9])
    z = g.get("z") or "Z"
    if z != "Z":
        off = int(z[1:3]) * 3600 + int(z[-2:]) * 60
        sec -= off if z[0] == "+" else -off
    return sec * 10**9 + ns


conf_dir = os.path.dirname(os.path.abspath(conf))
sections = read_sections(conf)
service = next((kv for s, kv in sections if s == "SERVICE"), [])
parsers = {}
pf = get(service, "Parsers_File")
if pf:
    for s, kv in read_sections(os.path.join(conf_dir, pf)):
        if s == "PARSER":
            parsers[get(kv, "Name")] = kv
inputs = [kv for s, kv in sections if s == "INPUT"]
filters = [kv for s, kv in sections if s == "FILTER"]
outputs = [kv for s, kv in sections if s == "OUTPUT"]


def make_parser(pname):
    kv = parsers.get(pname)
    if kv is None:
        raise ValueError(f"parser {pname!r} is not defined in {pf}")
    fmt = get(kv, "Format")
    tkey, tfmt = get(kv, "Time_Key"), get(kv, "Time_Format")
    keep = (get(kv, "Time_Keep", "Off").lower() == "on")
    trx = time_regex(tfmt) if tkey else None
    if fmt == "regex":
        rx = re.compile(get(kv, "Regex").replace("(?<", "(?P<"))
        body = lambda s: (m.groupdict() if (m := rx.match(s)) else None)
    elif fmt == "json":
        def body(s):
            try:
                o = json.loads(s)
            except ValueError:
                return None
            return o if isinstance(o, dict) else None
    else:
        raise ValueError(f"parser {pname}: Format {fmt} not supported by this checker")

    def run(s):
        rec = body(s)
        if rec is None:
            return None, None, f"{pname}: does not parse: {s[:120]!r}"
        t = None
        if tkey:
            if tkey not in rec:
                return None, None, f"{pname}: no {tkey!r} in {s[:120]!r}"
            t = parse_time(trx, str(rec[tkey]))
            if t is None:
                return None, None, f"{pname}: {tkey}={rec[tkey]!r} does not match Time_Format {tfmt!r}"
            if not keep:
                del rec[tkey]
        return rec, t, None
    return run


problems = []
try:
    if len(inputs) != 1 or get(inputs[0], "Name") != "tail":
        raise ValueError("expected one tail input")
    inp = inputs[0]
    path = get(inp, "Path")
    if not fnmatch.fnmatch("/var/log/containers/" + log_name, path):
        problems.append(f"Path {path} does not match the kubelet's /var/log/containers/{log_name}")
    tag = get(inp, "Tag")
    mlp = get(inp, "multiline.parser")
    if mlp == "cri":
        # Fluent Bit's built-in (src/multiline/flb_ml_parser_cri.c): this regex and time
        # format; "log" joined over "P" lines until an "F" line, per stream
        parsers["_builtin_cri"] = [
            ("Format", "regex"),
            ("Regex", r"^(?<time>.+) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$"),
            ("Time_Key", "time"), ("Time_Format", "%Y-%m-%dT%H:%M:%S.%L%z")]
        in_parser = make_parser("_builtin_cri")
    elif mlp:
        raise ValueError(f"multiline.parser {mlp} not supported by this checker")
    else:
        in_parser = make_parser(get(inp, "Parser"))
    steps = []
    for f in filters:
        fname, match = get(f, "Name"), get(f, "Match")
        if not fnmatch.fnmatch(tag.replace("*", "x"), match):
            problems.append(f"filter {fname}: Match {match} does not match the input's tag {tag}")
        if fname == "grep":
            rules = [(k.lower(), v.split(" ", 1)) for k, v in f if k.lower() in ("regex", "exclude")]
            steps.append(("grep", rules))
        elif fname == "parser":
            steps.append(("parser", (get(f, "Key_Name"), make_parser(get(f, "Parser")),
                                     get(f, "Reserve_Data", "Off").lower() == "on")))
        elif fname == "record_modifier":
            recs = [v.split(" ", 1) for k, v in f if k.lower() == "record"]
            steps.append(("record", recs))
        else:
            raise ValueError(f"filter {fname} not supported by this checker")
    if not outputs or not all(fnmatch.fnmatch(tag.replace("*", "x"), get(o, "Match")) for o in outputs):
        problems.append("no output matches the input's tag")
except ValueError as e:
    result("config", [str(e)])
    sys.exit(1)
result("config", problems)

env = dict(os.environ)
records, errors, dropped, joined = [], [], 0, 0
pending = {}  # stream -> (first line number, time, record) of a line split by the runtime
with open(cri_log) as f:
    for n, line in enumerate(f, 1):
        line = line.rstrip("\n")
        rec, t, err = in_parser(line)
        if err:
            errors.append(f"line {n}: {err}")
            continue
        if mlp == "cri":
            part = rec.pop("_p")
            if rec["stream"] in pending:
                n0, t, first = pending.pop(rec["stream"])
                first["log"] += rec["log"]
                rec, n = first, n0
                joined += 1
            if part == "P":
                pending[rec["stream"]] = (n, t, rec)
                continue
        elif rec.get("logtag") not in ("F", None):
            errors.append(f"line {n}: a partial line ({rec.get('logtag')}): 'multiline.parser cri' joins them")
        keep = True
        for kind, arg in steps:
            if kind == "grep":
                for k, (key, rx) in arg:
                    hit = re.search(rx, str(rec.get(key, ""))) is not None
                    if (k == "regex" and not hit) or (k == "exclude" and hit):
                        keep = False
                if not keep:
                    break
            elif kind == "parser":
                key, run, reserve = arg
                out, t2, err = run(str(rec.get(key, "")))
                if err:
                    errors.append(f"line {n}: {err}")
                    keep = False
                    break
                rec = ({k: v for k, v in rec.items() if k != key} if reserve else {}) | out
                t = t2
            elif kind == "record":
                for k, v in arg:
                    rec[k] = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), v)
        if keep:
            records.append((n, t, rec))
        else:
            dropped += 1
errors += [f"line {v[0]}: partial line never completed" for v in pending.values()]
result("parse", errors)

with open(expected) as f:
    want = [json.loads(line) for line in f if line.strip()]
added = {k for kind, arg in steps if kind == "record" for k, _ in arg}
problems = []
if len(records) != len(want):
    problems.append(f"{len(records)} records, expected {len(want)} events ({dropped} lines dropped)")
for (n, t, rec), w in zip(records, want):
    base = {k: v for k, v in rec.items() if k not in added}
    if base != w:
        problems.append(f"line {n}: record {json.dumps(base)[:200]} != event {json.dumps(w)[:200]}")
    ts = parse_time(time_regex("%Y-%m-%dT%H:%M:%S.%LZ"), w["ts"])
    if t != ts:
        problems.append(f"line {n}: record time {t} != ts {w['ts']} ({ts})")
    for k in added:
        if not rec.get(k):
            problems.append(f"line {n}: {k} empty (is its environment variable set?)")
result("records", problems)
print(f"# {len(records)} records, {joined} split lines joined, {dropped} other lines dropped")
sys.exit(1 if failed else 0)
