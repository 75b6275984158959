#!/usr/bin/env python3
"""bench.py - skema's one benchmark: every stage, the whole pipeline, and
what users would use instead, side by side in the same run (issue 9).

Usage: bench.py [--quick] [--sizes 100,1000,10000] [--out FILE] [--work DIR]

Measures, as forms per second and peak resident memory (RSS):
  - each stage (ingest, extract, validate, store, decide, letter, report) in
    one process per batch and, on a sample, in one process per form;
  - the whole `skema run` (with and without letters, --jobs 1 and 2);
  - scaling: the batch figures at every size (cost per form, memory);
  - baselines in the same run on the same inputs: the floor program
    (libzip + xmlTextReader, no logic), `pandoc -t plain`, LibreOffice
    headless converting the same letters to PDF in one batch call, and the
    sqlite3 shell running the report's queries (bench/report-queries.sql).

Wall time is taken around each process (fork to reap), peak RSS from
wait4(2) (the largest of the process and the children it reaped, like
/usr/bin/time's %M).  Every figure is the median of repeated runs; a run
that takes long is not repeated beyond a time budget, and the table says how
many runs a median is of.  A program that is not built, a baseline that is
not installed, a run that fails: the row says so, never a number.

The workload comes from bench/workload.py (seeded, cached under --work).
Times are Danish and fixed (SKEMA_NOW) so runs are comparable.

Writes the tables on stdout and to --out (markdown, with the machine, the
commit and the date).  Exit codes: 0 done (also with skipped or failed
rows: the report says so), 64 usage, 70 internal error.
"""

import argparse
import datetime
import glob
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SKEMA_NOW = "2021-08-16T10:00:00+02:00"
SEED = 1
GNU_TIME = "/usr/bin/time"
OVER_BUDGET = -1000


# --- running and measuring -------------------------------------------------

class Run:
    """One measured process: wall seconds, peak RSS in KiB, exit code, CPU
    seconds (user + system, the process and its children)."""

    def __init__(self, sec, rss_kb, rc, cpu=None):
        self.sec, self.rss_kb, self.rc, self.cpu = sec, rss_kb, rc, cpu


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.bin = os.path.abspath(args.bin)
        self.tools = os.path.abspath(args.tools)
        self.work = os.path.abspath(args.work)
        self.snapshot_programs()
        self.logdir = os.path.join(self.work, "logs")
        shutil.rmtree(self.logdir, ignore_errors=True)
        os.makedirs(self.logdir, exist_ok=True)
        self.env = dict(os.environ)
        self.env.update(SKEMA_NOW=SKEMA_NOW, SKEMA_DATADIR=ROOT, SKEMA_TZ="Europe/Copenhagen",
                        LC_ALL="C.UTF-8", SKEMA_CONFDIR="/nonexistent")
        self.env["PATH"] = self.bin + ":" + self.tools + ":" + self.env.get("PATH", "")
        self.env.pop("SKEMA_HOME", None)
        self.rows = {}       # section -> list of row lists
        self.notes = []
        self.figures = {}    # key -> value, for the targets table
        self.max_rss_kb = {} # what -> KiB, our programs only
        self.logn = 0
        self.sizes = []
        self.deadline = time.time() + args.budget
        self.skipped_estimate = 0.0
        self.last_cpu = None

    def bury(self, path):
        """Moves path out of the way instead of deleting it; bench deletes
        them all when it ends.  On this benchmark machine's file system (ext4
        without a journal) a file created within a minute of many deletions
        costs a scan past every recently deleted inode: deleting the previous
        run's thousands of files just before a timed run would bill that
        scan to skema (measured: ~0.5 s of system time over 611 letters)."""
        if not os.path.lexists(path):
            return
        grave = os.path.join(self.work, "graveyard")
        os.makedirs(grave, exist_ok=True)
        self.buried = getattr(self, "buried", 0) + 1
        os.rename(path, os.path.join(grave, "%d-%s" % (self.buried, os.path.basename(path))))

    def bury_all_now(self):
        shutil.rmtree(os.path.join(self.work, "graveyard"), ignore_errors=True)

    def snapshot_programs(self):
        """Copies the programs measured into bench/work/bin, so the whole
        benchmark measures one build even while others rebuild bin/."""
        snap = os.path.join(self.work, "bin")
        shutil.rmtree(snap, ignore_errors=True)
        os.makedirs(snap)
        for src_dir, names in ((self.bin, None), (self.tools, ("floor", "mkform"))):
            if not os.path.isdir(src_dir):
                continue
            for name in sorted(os.listdir(src_dir)):
                path = os.path.join(src_dir, name)
                if (names and name not in names) or (not names and not name.startswith("skema")):
                    continue
                if os.path.isfile(path) and os.access(path, os.X_OK):
                    shutil.copy2(path, os.path.join(snap, name))
        self.bin = self.tools = snap

    # A command is a list (exec'd directly) or a string (run by bash).
    def run_once(self, cmd, stdin=None, stdout=None, cwd=None, tag="run"):
        self.logn += 1
        log = os.path.join(self.logdir, "%03d-%s.err" % (self.logn, re.sub(r"[^A-Za-z0-9_.-]", "_", tag)))
        fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
        fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
        ferr = open(log, "wb")
        try:
            if isinstance(cmd, str):
                cmd = ["bash", "-c", "set -o pipefail; " + cmd]
            # The peak RSS comes from GNU time, a small program: wait4()'s
            # figure for our own child would count this Python process,
            # whose memory the child has at fork and Linux keeps across exec.
            rssfile = log[:-4] + ".rss"
            if os.access(GNU_TIME, os.X_OK):
                cmd = [GNU_TIME, "-f", "%M %U %S", "-o", rssfile] + list(cmd)
            start = time.perf_counter()
            try:
                p = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=ferr, cwd=cwd, env=self.env)
            except OSError as e:
                ferr.write(("cannot run %s: %s\n" % (cmd[0], e)).encode())
                return Run(0.0, 0, 127)
            _pid, status, ru = os.wait4(p.pid, 0)
            sec = time.perf_counter() - start
            p.returncode = os.waitstatus_to_exitcode(status)
            rss = ru.ru_maxrss
            cpu = ru.ru_utime + ru.ru_stime
            try:
                with open(rssfile) as f:
                    fields = f.read().strip().split("\n")[-1].split()
                # CPU from wait4 (microseconds; GNU time's are centiseconds):
                # GNU time has reaped the measured process, so it is counted.
                rss = int(fields[0])
                os.unlink(rssfile)
            except (OSError, ValueError, IndexError):
                pass
            return Run(sec, rss, p.returncode, cpu)
        finally:
            for f in (fin, fout):
                if f is not subprocess.DEVNULL:
                    f.close()
            ferr.close()

    def predict(self, key_of, n):
        """Seconds one run at size n should take, scaled linearly from the
        largest smaller size measured (figures[key_of(m)][0]); None if none."""
        known = [m for m in self.sizes if m < n and key_of(m) in self.figures]
        if not known:
            return None
        m = max(known)
        return self.figures[key_of(m)][0] * n / float(m)

    def measure(self, cmd, reps, setup=None, budget=None, key_of=None, n=None, **kw):
        """Runs cmd up to reps times (setup() before each, untimed).
        Returns (median seconds, max RSS KiB, runs, exit code of a failure or 0).

        Time budget: a measurement stops repeating once its runs took
        `budget` seconds, and is not started at all (exit code OVER_BUDGET)
        when a run is predicted (key_of, n: see predict) to take longer than
        --max-run or than what is left of --budget."""
        budget = budget if budget is not None else (20 if self.quick else 90)
        if key_of and n:
            est = self.predict(key_of, n)
            if est is not None and (est > self.args.max_run or time.time() + est > self.deadline):
                self.skipped_estimate = est
                return None, 0, 0, OVER_BUDGET
        runs = []
        for _ in range(reps):
            if setup:
                setup()
            r = self.run_once(cmd, **kw)
            if r.rc != 0:
                return None, r.rss_kb, len(runs) + 1, r.rc
            runs.append(r)
            if sum(x.sec for x in runs) > budget or time.time() + r.sec > self.deadline:
                break
        self.last_cpu = statistics.median(x.cpu for x in runs)
        return (statistics.median(x.sec for x in runs), max(x.rss_kb for x in runs), len(runs), 0)

    def wall_cpu(self, sec):
        """The time cell of a row just measured: median wall seconds and,
        in brackets, median CPU seconds (less disturbed by a busy machine)."""
        return "%s (%s)" % (fmt_sec(sec), fmt_sec(self.last_cpu))

    def is_big(self, n):
        """The largest of several sizes: only the main figures are measured
        there (the variants are comparisons, made at the smaller sizes)."""
        return len(self.sizes) > 1 and n == max(self.sizes)

    def failed(self, rc):
        """The text of a row that has no figure."""
        if rc == OVER_BUDGET:
            return "skipped: over the time budget (≈%.1f s predicted)" % self.skipped_estimate
        return "failed (exit %d)" % rc

    def have(self, prog):
        return shutil.which(prog, path=self.env["PATH"]) is not None

    def ours(self, name):
        p = os.path.join(self.bin, name)
        return p if os.access(p, os.X_OK) else None

    def help_text(self, argv):
        try:
            r = subprocess.run(argv + ["--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=self.env, timeout=10)
            return r.stdout.decode(errors="replace")
        except (OSError, subprocess.TimeoutExpired):
            return ""

    def add(self, section, row):
        self.rows.setdefault(section, []).append(row)

    def note_rss(self, what, rss_kb):
        if rss_kb:
            self.max_rss_kb[what] = max(self.max_rss_kb.get(what, 0), rss_kb)


# --- formatting ---------------------------------------------------------------

def fmt_rate(n, sec):
    if sec is None or sec <= 0:
        return "-"
    r = n / sec
    return "%.0f" % r if r >= 100 else "%.1f" % r if r >= 10 else "%.2f" % r


def fmt_sec(sec):
    if sec is None:
        return "-"
    return "%.3f" % sec if sec < 10 else "%.1f" % sec


def fmt_ms(sec):
    if sec is None:
        return "-"
    ms = sec * 1000
    return "%.2f" % ms if ms < 10 else "%.1f" % ms


def fmt_mb(kb):
    return "%.1f" % (kb / 1024.0) if kb else "-"


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def count_errors(path):
    """Records that carry an error object (docs/records.md)."""
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if b'"error":{' in line.replace(b" ", b""):
                n += 1
    return n


def mean_fields(path):
    """Fields per record that has any: a sanity check that an extractor is
    not fast because it reads nothing."""
    total = with_fields = 0
    with open(path, "rb") as f:
        for line in f:
            try:
                n = len(json.loads(line).get("fields") or {})
            except ValueError:
                continue
            if n:
                total += n
                with_fields += 1
    return total / with_fields if with_fields else 0.0


def canon(x):
    """A value as text, for comparing: 1 == True == "1", whitespace collapsed."""
    if isinstance(x, bool):
        return str(int(x))
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return " ".join(str(x).split())


def agreement(b, n, wl, extracted):
    """How many filled fields the extractor read exactly as the generator
    wrote them (values.jsonl), per writer; mismatches go to a log file."""
    path = os.path.join(wl, "values.jsonl")
    if not os.path.exists(path):
        return
    want = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            want[r["file"]] = r
    kinds = {}
    for r in manifest(wl):
        kinds[os.path.basename(r["path"])] = ("LibreOffice re-save (%s)" % r["format"]) if r["detail"] == "resaved" \
            else "%s (%s)" % (r["writer"], r["format"])
    stats = {}
    bad = []
    with open(extracted, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            name = os.path.basename(rec.get("original_name") or rec.get("path") or "")
            exp = want.get(name)
            if not exp:
                continue
            st = stats.setdefault(kinds.get(name, "?"), [0, 0, 0, 0])
            st[0] += 1
            if (rec.get("form") or {}).get("id") == exp["form"]:
                st[3] += 1
            fields = rec.get("fields") or {}
            for field, value in exp["values"].items():
                st[1] += 1
                got = (fields.get(field) or {}).get("value")
                if got is not None and canon(got) == canon(value):
                    st[2] += 1
                elif len(bad) < 500:
                    bad.append("%s\t%s\t%s\twant %r\tgot %r" % (name, kinds.get(name), field, value, got))
    log = os.path.join(b.work, "mismatches-%d.txt" % n)
    with open(log, "w", encoding="utf-8") as f:
        f.write("\n".join(bad) + ("\n" if bad else ""))
    total = [0, 0, 0, 0]
    for kind in sorted(stats):
        st = stats[kind]
        total = [a + c for a, c in zip(total, st)]
        b.add("agreement", [kind, n, st[0], "%d of %d" % (st[3], st[0]), "%d of %d" % (st[2], st[1]),
                            "%.1f %%" % (100.0 * st[2] / st[1]) if st[1] else "-"])
    if total[1]:
        b.add("agreement", ["**all**", n, total[0], "%d of %d" % (total[3], total[0]),
                            "%d of %d" % (total[2], total[1]), "**%.1f %%**" % (100.0 * total[2] / total[1])])
        b.figures[("agreement", n)] = 100.0 * total[2] / total[1]


def rm_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


def copy_db(src, dst):
    rm_db(dst)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


# --- the workload ------------------------------------------------------------------

def workload(b, n):
    """bench/work/wl-N-sSEED: generated once, reused while the generator is unchanged."""
    d = os.path.join(b.work, "wl-%d-s%d" % (n, SEED))
    stamp = os.path.join(d, ".generator")
    gen = os.path.join(ROOT, "bench", "workload.py")
    with open(gen, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    resave = 0
    if b.have("soffice") and not b.args.no_libreoffice:
        resave = 4 if b.quick else max(4, min(100, n // 100))
    want = "%s resave=%d\n" % (digest, resave)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return d
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.perf_counter()
    cmd = [sys.executable, gen, "-n", str(n), "-s", str(SEED), "-o", d,
           "--mkform", os.path.join(b.tools, "mkform")]
    if resave:
        cmd += ["--resave", str(resave)]
    r = subprocess.run(cmd, env=b.env)
    if r.returncode != 0:
        raise SystemExit("bench: workload generator failed (exit %d)" % r.returncode)
    with open(stamp, "w") as f:
        f.write(want)
    sys.stderr.write("bench: generated %d forms in %.1f s\n" % (n, time.perf_counter() - t0))
    return d


def manifest(d):
    rows = []
    with open(os.path.join(d, "manifest.tsv"), encoding="utf-8") as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            rows.append(dict(path=os.path.join(d, "forms", r["file"]), offer=r["offer"], format=r["format"],
                             klass=r["class"], detail=r["detail"], size=int(r["size"]),
                             writer=r.get("writer", "builtin")))
    return rows


def describe(wl):
    """What a workload holds, counted from its manifest."""
    if not os.path.exists(os.path.join(wl, "manifest.tsv")):
        return "not generated"
    rows = manifest(wl)
    if not rows:
        return "empty"

    def pct(pred):
        return "%.0f %%" % (100.0 * sum(1 for r in rows if pred(r)) / len(rows))
    offers = len(set(r["offer"] for r in rows))
    return ("%d offers; DOCX %s, ODT %s; valid %s, incomplete %s, not eligible %s, broken files %s; "
            "large (5,000-character motivation, 100-row table) %s; written by mkform %s (of which --plain %s), "
            "by the builtin writer %s; re-saved by LibreOffice: %d forms"
            % (offers, pct(lambda r: r["format"] == "docx"), pct(lambda r: r["format"] == "odt"),
               pct(lambda r: r["klass"] == "valid"), pct(lambda r: r["klass"] == "incomplete"),
               pct(lambda r: r["klass"] == "ineligible"), pct(lambda r: r["klass"] == "broken"),
               pct(lambda r: r["detail"] == "large"), pct(lambda r: r["writer"].startswith("mkform")),
               pct(lambda r: r["writer"] == "mkform-plain"), pct(lambda r: r["writer"] == "builtin"),
               sum(1 for r in rows if r["detail"] == "resaved")))


def sample(rows, k):
    """Every (len/k)-th row: spread over offers, formats and classes."""
    if k >= len(rows):
        return list(rows)
    step = len(rows) / float(k)
    return [rows[int(i * step)] for i in range(k)]


# --- stages ----------------------------------------------------------------------------

def stage_batch(b, n, wl, state):
    """One process per batch for every stage, chained on the previous
    stage's output.  Fills state with the files later steps need."""
    w = os.path.join(b.work, "n%d" % n)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    forms = os.path.join(wl, "forms")
    reps = 3 if b.quick else 5 if n <= 1000 else 3
    prev = None  # the previous stage's output
    chain_broken = None

    def row(stage, sec, rss, runs, rc, count, extra=""):
        if rc:
            b.add("batch", [stage, n, b.failed(rc), "-", fmt_mb(rss) if rc != OVER_BUDGET else "-", runs, extra])
            return
        b.note_rss("skema-" + stage, rss)
        b.add("batch", [stage, n, b.wall_cpu(sec), fmt_rate(count, sec), fmt_mb(rss), runs, extra])
        b.figures[("batch", stage, n)] = (sec, rss, count)

    def skipped(stage, why):
        b.add("batch", [stage, n, "skipped", "-", "-", 0, why])

    # ingest
    out = os.path.join(w, "ingest.jsonl")
    if b.ours("skema-ingest"):
        sec, rss, runs, rc = b.measure([b.ours("skema-ingest"), forms], reps, stdout=out, tag="ingest-%d" % n,
                                       key_of=lambda m: ("batch", "ingest", m), n=n)
        row("ingest", sec, rss, runs, rc, n, "" if rc else "%d records" % count_lines(out))
        prev = out if not rc else None
    else:
        skipped("ingest", "not built")
    if not prev:
        chain_broken = "needs ingest"

    # extract, validate: filters on stdin
    for stage in ("extract", "validate"):
        out = os.path.join(w, stage + ".jsonl")
        prog = b.ours("skema-" + stage)
        if not prog:
            skipped(stage, "not built")
            prev, chain_broken = None, chain_broken or "needs " + stage
            continue
        if not prev:
            skipped(stage, chain_broken)
            continue
        sec, rss, runs, rc = b.measure([prog], reps, stdin=prev, stdout=out, tag="%s-%d" % (stage, n),
                                       key_of=lambda m, st=stage: ("batch", st, m), n=n)
        extra = ""
        if not rc:
            extra = "%d records, %d with error" % (count_lines(out), count_errors(out))
            if stage == "extract":
                extra += ", %.1f fields per form read" % mean_fields(out)
                agreement(b, n, wl, out)
        row(stage, sec, rss, runs, rc, n, extra)
        state[stage + "_in"] = prev
        variants = []
        if stage == "extract" and not rc and not b.is_big(n):
            h = b.help_text([prog])
            if "--jobs" in h:
                # What reading documents in parallel gains (default: the cores).
                variants.append(["--jobs", "1"])
            if "--no-sandbox" in h:
                # What the sandbox (a child per document, resource limits) costs.
                variants.append(["--no-sandbox"])
        for opts in variants:
            label = "extract " + " ".join(opts)
            nout = os.path.join(w, "extract-%s.jsonl" % "-".join(o.strip("-") for o in opts))
            s2, r2, n2, c2 = b.measure([prog] + opts, reps, stdin=prev, stdout=nout, n=n,
                                       key_of=lambda m, lb=label: ("batch", lb, m), tag=label + "-%d" % n)
            row(label, s2, r2, n2, c2, n, "" if c2 else "%d records, %d with error"
                % (count_lines(nout), count_errors(nout)))
        prev = out if not rc else None
        if rc:
            chain_broken = "needs " + stage

    # store: a fresh database each run
    db = os.path.join(w, "skema.db")
    prog = b.ours("skema-store")
    if prog and prev:
        out = os.path.join(w, "store.jsonl")
        sec, rss, runs, rc = b.measure([prog, "-q", db], reps, setup=lambda: rm_db(db), n=n,
                                       key_of=lambda m: ("batch", "store", m),
                                       stdin=prev, stdout=out, tag="store-%d" % n)
        row("store", sec, rss, runs, rc, n, "" if rc else "%d records" % count_lines(out))
        state["store_in"] = prev
        if not rc:
            state["db_stored"] = db
    else:
        skipped("store", "not built" if not prog else chain_broken)

    # decide: on a copy of the stored database
    stored = state.get("db_stored")
    prog = b.ours("skema-decide")
    ddb = os.path.join(w, "decided.db")
    if prog and stored:
        # Deadline rounds are decided before their deadline too (--force),
        # so every submission gets a decision and, later, a letter.
        force = ["--force"] if "--force" in b.help_text([prog]) else []
        dout = os.path.join(w, "decide.jsonl")
        sec, rss, runs, rc = b.measure([prog, "-q"] + force + [ddb], reps, setup=lambda: copy_db(stored, ddb), n=n,
                                       key_of=lambda m: ("batch", "decide", m),
                                       stdout=dout, tag="decide-%d" % n)
        row("decide", sec, rss, runs, rc, n, "" if rc else "%d decisions" % count_lines(dout))
        if not rc:
            state["db_decided"] = ddb
    else:
        skipped("decide", "not built" if not prog else "needs store")

    # letter: every pending decision, on a copy of the decided database
    decided = state.get("db_decided")
    prog = b.ours("skema-letter")
    if prog and decided:
        ldb = os.path.join(w, "letter.db")
        ldir = os.path.join(w, "letters")

        def setup_letters():
            copy_db(decided, ldb)
            b.bury(ldir)
            os.makedirs(ldir)
        lreps = reps if n <= 1000 else 1
        sec, rss, runs, rc = b.measure([prog, "-q", "-d", ldb, "-o", ldir, "--pending"], lreps,
                                       key_of=lambda m: ("letters", m), n=n,
                                       setup=setup_letters, tag="letter-%d" % n)
        pdfs = sorted(glob.glob(os.path.join(ldir, "**", "*.pdf"), recursive=True))
        size = sum(os.path.getsize(p) for p in pdfs)
        extra = "%d letters, %.1f KB each" % (len(pdfs), size / 1024.0 / len(pdfs)) if pdfs else "no letters written"
        if rc:
            row("letter", None, rss, runs, rc, 0, extra)
        elif not pdfs:
            b.add("batch", ["letter", n, b.wall_cpu(sec), "-", fmt_mb(rss), runs, extra])
        else:
            b.note_rss("skema-letter", rss)
            b.add("batch", ["letter", n, b.wall_cpu(sec), fmt_rate(len(pdfs), sec) + " letters/s",
                            fmt_mb(rss), runs, extra])
            b.figures[("letters", n)] = (sec, rss, len(pdfs), size)
            state["letters"] = pdfs
        if not rc and "--jobs" in b.help_text([prog]):
            # Issue 6 asks for 150 letters/s in one process: the same letters rendered by one.
            sec1, rss1, runs1, rc1 = b.measure([prog, "-q", "-d", ldb, "-o", ldir, "--pending", "--jobs", "1"],
                                               lreps, key_of=lambda m: ("letters-1", m), n=n,
                                               setup=setup_letters, tag="letter-j1-%d" % n)
            pdfs1 = glob.glob(os.path.join(ldir, "**", "*.pdf"), recursive=True)
            if rc1:
                row("letter --jobs 1", None, rss1, runs1, rc1, 0, "")
            elif pdfs1:
                b.note_rss("skema-letter", rss1)
                b.figures[("letters-1", n)] = (sec1, rss1, len(pdfs1))
                b.add("batch", ["letter --jobs 1", n, b.wall_cpu(sec1), fmt_rate(len(pdfs1), sec1) + " letters/s",
                                fmt_mb(rss1), runs1, "%d letters, one process" % len(pdfs1)])
        if not rc and not b.is_big(n) and "--review-sheets" in b.help_text([prog]):
            # What `skema run` asks for: the letter and the reviewer's sheet.
            sec, rss, runs, rc = b.measure([prog, "-q", "-d", ldb, "-o", ldir, "--pending", "--review-sheets"],
                                           lreps, setup=setup_letters, n=n,
                                           key_of=lambda m: ("letters-review", m), tag="letter-review-%d" % n)
            pdfs2 = glob.glob(os.path.join(ldir, "**", "*.pdf"), recursive=True)
            extra = "%d PDFs (letters and review sheets), %.1f KB each" % (
                len(pdfs2), sum(os.path.getsize(p) for p in pdfs2) / 1024.0 / max(1, len(pdfs2)))
            if rc:
                row("letter --review-sheets", None, rss, runs, rc, 0, extra)
            else:
                b.note_rss("skema-letter", rss)
                b.figures[("letters-review", n)] = (sec, rss, len(pdfs2))
                b.add("batch", ["letter --review-sheets", n, b.wall_cpu(sec),
                                fmt_rate(len(pdfs2), sec) + " PDFs/s", fmt_mb(rss), runs, extra])
    else:
        skipped("letter", "not built" if not prog else "needs decide")

    # report: over the decided database
    prog = b.ours("skema-report")
    if prog and decided:
        rdir = os.path.join(w, "reports")
        rdb = os.path.join(w, "report.db")
        copy_db(decided, rdb)

        def setup_report():
            shutil.rmtree(rdir, ignore_errors=True)
            os.makedirs(rdir)
        sec, rss, runs, rc = b.measure([prog, "-d", rdb, "-o", rdir], reps, setup=setup_report, n=n,
                                       key_of=lambda m: ("report", m),
                                       tag="report-%d" % n)
        files = glob.glob(os.path.join(rdir, "**", "*"), recursive=True)
        row("report", sec, rss, runs, rc, n, "%d files" % len([f for f in files if os.path.isfile(f)]))
        if not rc:
            b.figures[("report", n)] = (sec, rss)
    else:
        skipped("report", "not built" if not prog else "needs decide")

    # the floor, same forms, same size
    floor = os.path.join(b.tools, "floor")
    lst = os.path.join(w, "files.txt")
    with open(lst, "w") as f:
        for r in manifest(wl):
            f.write(r["path"] + "\n")
    if os.access(floor, os.X_OK):
        sec, rss, runs, rc = b.measure([floor, "-q", "-l", lst], reps, tag="floor-%d" % n)
        if rc:
            b.add("baseline-batch", ["floor", n, b.failed(rc), "-", fmt_mb(rss), runs])
        else:
            b.add("baseline-batch", ["floor (libzip + xmlTextReader)", n, b.wall_cpu(sec), fmt_rate(n, sec),
                                     fmt_mb(rss), runs])
            b.figures[("floor", n)] = (sec, rss)
        # The same floor with every form read in a process forked for it
        # alone: what any extractor that isolates each document, as
        # skema-extract does, pays on this machine before it does anything.
        if not b.is_big(n) and "--fork-each" in b.help_text([floor]):
            sec, rss, runs, rc = b.measure([floor, "-q", "--fork-each", "-l", lst], reps,
                                           tag="floor-fork-%d" % n)
            if rc:
                b.add("baseline-batch", ["floor, a process per form", n, b.failed(rc), "-", fmt_mb(rss), runs])
            else:
                b.add("baseline-batch", ["floor, a fresh process per form (--fork-each)", n, b.wall_cpu(sec),
                                         fmt_rate(n, sec), fmt_mb(rss), runs])
                b.figures[("floor-fork", n)] = (sec, rss)
    else:
        b.add("baseline-batch", ["floor", n, "skipped", "-", "-", 0])

    # sqlite3 running the report's queries on the same database
    if decided and b.have("sqlite3"):
        qfile = os.path.join(w, "report-queries.sql")
        write_report_queries(b, decided, qfile)
        rdb = os.path.join(w, "sqlite3.db")
        copy_db(decided, rdb)
        sec, rss, runs, rc = b.measure(["sqlite3", "-batch", rdb], reps, stdin=qfile, tag="sqlite3-%d" % n)
        if not rc:
            b.add("baseline-batch", ["sqlite3, the report's queries", n, b.wall_cpu(sec), fmt_rate(n, sec),
                                     fmt_mb(rss), runs])
            b.figures[("sqlite3", n)] = (sec, rss)
        else:
            b.add("baseline-batch", ["sqlite3, the report's queries", n, b.failed(rc), "-", "-", runs])
    elif not b.have("sqlite3"):
        b.add("baseline-batch", ["sqlite3, the report's queries", n, "skipped: not installed", "-", "-", 0])
    state["workdir"] = w


def write_report_queries(b, db, out):
    text = open(os.path.join(ROOT, "bench", "report-queries.sql"), encoding="utf-8").read()
    once = text.split("-- @once", 1)[1].split("-- @per-offer", 1)[0]
    per = text.split("-- @per-offer", 1)[1]
    r = subprocess.run(["sqlite3", "-batch", db,
                        "SELECT DISTINCT offer_id FROM submissions WHERE offer_id IS NOT NULL"],
                       stdout=subprocess.PIPE, env=b.env)
    offers = [o for o in r.stdout.decode().split("\n") if o]
    with open(out, "w", encoding="utf-8") as f:
        f.write(".output /dev/null\n")
        f.write(once)
        for o in offers:
            q = per.replace(":offer", "'%s'" % o.replace("'", "''"))
            f.write(q.replace(":from", "NULL").replace(":to", "NULL"))


def stage_per_form(b, n, wl, state):
    """One process per form, on a sample of the batch's inputs."""
    k = 10 if b.quick else 50
    w = os.path.join(state["workdir"], "per-form")
    os.makedirs(w, exist_ok=True)
    rows = sample(manifest(wl), k)

    reps = 1 if b.quick else 3

    def per_form(stage, cmds, setup=None):
        """Runs every command once, reps times; the median of the totals."""
        totals, rss = [], 0
        for _ in range(reps):
            if stage == "store":
                rm_db(os.path.join(w, "one.db"))
            total = 0.0
            for i, (cmd, kw) in enumerate(cmds):
                r = b.run_once(cmd, tag="%s-one" % stage, **kw)
                if r.rc != 0:
                    b.add("per-form", [stage, len(cmds), "failed (exit %d) on form %d" % (r.rc, i + 1), "-",
                                       fmt_mb(r.rss_kb), ""])
                    return None
                total += r.sec
                rss = max(rss, r.rss_kb)
            totals.append(total)
        total = statistics.median(totals)
        if not stage.startswith("pandoc") and not stage.startswith("floor"):
            b.note_rss("skema-" + stage, rss)
        b.add("per-form", [stage, len(cmds), fmt_ms(total / len(cmds)), fmt_rate(len(cmds), total), fmt_mb(rss),
                           len(totals)])
        b.figures[("per-form", stage)] = (total / len(cmds), rss)
        return total

    prog = b.ours("skema-ingest")
    if prog:
        per_form("ingest", [([prog, r["path"]], {}) for r in rows])
    for stage in ("extract", "validate", "store"):
        prog = b.ours("skema-" + stage)
        src = state.get(stage + "_in")
        if not prog or not src:
            b.add("per-form", [stage, 0, "skipped (%s)" % ("not built" if not prog else "no input"), "-", "-", 0])
            continue
        with open(src, "rb") as f:
            lines = f.readlines()
        picks = [lines[int(i * len(lines) / float(k))] for i in range(min(k, len(lines)))]
        cmds = []
        for i, line in enumerate(picks):
            p = os.path.join(w, "%s-%03d.jsonl" % (stage, i))
            with open(p, "wb") as f:
                f.write(line)
            if stage == "store":
                cmds.append(([prog, "-q", os.path.join(w, "one.db")], dict(stdin=p)))
            else:
                cmds.append(([prog], dict(stdin=p)))
        per_form(stage, cmds)
    # letter: one process per submission, named on stdin (JSON Lines with
    # "submission_id"), on a copy of the decided database.
    prog = b.ours("skema-letter")
    decided = state.get("db_decided")
    if prog and decided:
        ldb = os.path.join(w, "letter-one.db")
        copy_db(decided, ldb)
        r = subprocess.run(["sqlite3", "-batch", ldb, "SELECT submission_id FROM decisions WHERE current = 1 "
                            "ORDER BY submission_id"], stdout=subprocess.PIPE, env=b.env)
        ids = [i for i in r.stdout.decode().split() if i.isdigit()]
        cmds = []
        for i, sid in enumerate(sample(ids, k)):
            p = os.path.join(w, "letter-%03d.jsonl" % i)
            with open(p, "w") as f:
                f.write('{"submission_id": %s}\n' % sid)
            cmds.append(([prog, "-q", "-d", ldb, "-o", os.path.join(w, "letters")], dict(stdin=p)))
        if cmds:
            per_form("letter", cmds)
        else:
            b.add("per-form", ["letter", 0, "skipped (no decisions)", "-", "-", 0])
    elif prog:
        b.add("per-form", ["letter", 0, "skipped (no decided database)", "-", "-", 0])
    for stage in ("decide", "report"):
        if b.ours("skema-" + stage):
            b.add("per-form", [stage, 0, "n/a: works on the database, not on one form", "-", "-", 0])

    floor = os.path.join(b.tools, "floor")
    if os.access(floor, os.X_OK):
        per_form("floor", [([floor, "-q", r["path"]], {}) for r in rows])

    # pandoc on readable forms (it fails fast on the broken ones, which
    # would flatter it); the same spread of offers and formats.
    readable = [r for r in manifest(wl) if r["klass"] != "broken"]
    pk = 10 if b.quick else 40
    if b.have("pandoc"):
        per_form("pandoc -t plain", [(["pandoc", "-t", "plain", "-o", "/dev/null", r["path"]], {})
                                     for r in sample(readable, pk)])
    else:
        b.add("per-form", ["pandoc -t plain", 0, "skipped: pandoc not installed", "-", "-", 0])


# --- LibreOffice converting the same letters -------------------------------------------

def fodt(paragraphs):
    def e(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join("<text:p>%s</text:p>" % e(p) for p in paragraphs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text">'
            '<office:body><office:text>%s</office:text></office:body></office:document>' % body)


def libreoffice_letters(b, state):
    """LibreOffice headless converting the same letters (their text, as flat
    ODT) to PDF in one batch call, against skema-letter's time per letter."""
    if not b.have("soffice") or b.args.no_libreoffice:
        b.add("letters", ["LibreOffice", "-", "skipped: %s" % ("--no-libreoffice" if b.have("soffice")
                                                            else "soffice not installed"), "-", "-", "-", "-"])
        return
    k = 10 if b.quick else 100
    w = os.path.join(b.work, "lo-letters")
    shutil.rmtree(w, ignore_errors=True)
    src, out = os.path.join(w, "src"), os.path.join(w, "out")
    os.makedirs(src)
    os.makedirs(out)
    letters = state.get("letters") or []
    what = "the same letters' text, as flat ODT paragraphs (no letterhead, no layout: less work than ours)"
    if letters and b.have("pdftotext"):
        for i, pdf in enumerate(sample(letters, k)):
            r = subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            paras = [p.strip() for p in r.stdout.decode(errors="replace").replace("\f", "\n\n").split("\n\n")]
            with open(os.path.join(src, "brev-%03d.fodt" % i), "w", encoding="utf-8") as f:
                f.write(fodt([p for p in paras if p]))
    else:
        what = "synthetic two-page letters (skema-letter wrote none)"
        text = ["Afgørelse om deltagelse i Temaforløb om overgreb mod børn"] + \
               ["Socialstyrelsen har behandlet jeres ansøgning. " * 8] * 24
        for i in range(k):
            with open(os.path.join(src, "brev-%03d.fodt" % i), "w", encoding="utf-8") as f:
                f.write(fodt(text))
    inputs = sorted(glob.glob(os.path.join(src, "*.fodt")))
    profile = "file://" + os.path.join(b.work, "lo-profile")
    base = ["soffice", "-env:UserInstallation=" + profile, "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", out]
    # A first start creates the profile; not timed, so LibreOffice is measured warm.
    b.run_once(base + [inputs[0]], tag="soffice-warmup")
    for p in glob.glob(os.path.join(out, "*")):
        os.unlink(p)
    r = b.run_once(base + inputs, tag="soffice-letters")
    made = glob.glob(os.path.join(out, "*.pdf"))
    if r.rc != 0 or len(made) != len(inputs):
        b.add("letters", ["LibreOffice, one batch call", "failed (exit %d, %d of %d PDFs)" % (r.rc, len(made), len(inputs)),
                          "-", "-", what])
        return
    size = sum(os.path.getsize(p) for p in made) / len(made)
    b.add("letters", ["LibreOffice headless, one batch call", len(inputs), fmt_ms(r.sec / len(inputs)),
                      fmt_rate(len(inputs), r.sec), "%.1f" % (size / 1024.0), fmt_mb(r.rss_kb), what])
    b.figures["libreoffice"] = (r.sec / len(inputs), size)


# --- the whole pipeline ---------------------------------------------------------------

def driver_without_letters(b):
    """A bin directory whose driver finds every stage but skema-letter.

    The driver runs decide, letter and report after the chain "each only if
    it is installed" (pipeline/runner.c), looking for stages beside its own
    executable; so a copy of it among links to the other stages is the
    pipeline without letters, unchanged otherwise."""
    d = os.path.join(b.work, "bin-noletters")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copy2(os.path.join(b.bin, "skema"), os.path.join(d, "skema"))
    for p in glob.glob(os.path.join(b.bin, "skema-*")):
        if os.path.basename(p) != "skema-letter":
            os.symlink(p, os.path.join(d, os.path.basename(p)))
    return os.path.join(d, "skema")


def driver_without_isolation(b):
    """The pipeline without letters whose skema-extract reads every document
    in its own process (--no-sandbox): what the per-document processes cost
    the whole run.  A comparison only: skema has no such setting, on
    purpose (stages/extract/README.md)."""
    d = os.path.join(b.work, "bin-nosandbox")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copy2(os.path.join(b.bin, "skema"), os.path.join(d, "skema"))
    for p in glob.glob(os.path.join(b.bin, "skema-*")):
        name = os.path.basename(p)
        if name not in ("skema-letter", "skema-extract"):
            os.symlink(p, os.path.join(d, name))
    wrapper = os.path.join(d, "skema-extract")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec %s --no-sandbox \"$@\"\n" % shlex.quote(os.path.join(b.bin, "skema-extract")))
    os.chmod(wrapper, 0o755)
    return os.path.join(d, "skema")


def count_files(d, skip=lambda name: False):
    n = 0
    for root, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        n += sum(1 for f in files if not f.startswith(".") and not skip(f))
    return n


def whole_run(b, n, wl, jobs, letters, isolated=True):
    skema = b.ours("skema")
    label = "skema run --jobs %d, %s" % (jobs, "with letters" if letters else "without letters")
    if not isolated:
        label += ", skema-extract --no-sandbox (comparison: no process per document)"
    if not skema:
        b.add("run", [label, n, "skipped: skema not built", "-", "-", 0, ""])
        return
    h = b.help_text([skema, "run"])
    if not re.search(r"--jobs", h):
        b.add("run", [label, n, "skipped: skema run not implemented yet", "-", "-", 0, ""])
        return
    if letters and not b.ours("skema-letter"):
        b.add("run", [label, n, "skipped: skema-letter not built", "-", "-", 0, ""])
        return
    if not isolated:
        skema = driver_without_isolation(b)
    elif not letters:
        skema = driver_without_letters(b)
    settle = ["--settle", "0"] if "--settle" in h else []
    ws = os.path.join(b.work, "ws-%d" % n)
    forms = [r["path"] for r in manifest(wl)]

    def setup():
        b.bury(ws)
        r = subprocess.run([skema, "init", ws], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=b.env)
        if r.returncode != 0:
            raise RuntimeError("skema init failed (exit %d)" % r.returncode)
        inbox = os.path.join(ws, "inbox")
        for p in forms:
            shutil.copyfile(p, os.path.join(inbox, os.path.basename(p)))
    reps = 1 if n >= 10000 or b.quick else 3
    try:
        sec, rss, runs, rc = b.measure([skema, "-q", "-C", ws, "run", "--jobs", str(jobs)] + settle, reps,
                                       n=n, key_of=lambda m: ("run" if isolated else "run-shared", m, jobs, letters),
                                       setup=setup, tag="run-%d-j%d%s%s" % (n, jobs, "-l" if letters else "",
                                                                           "" if isolated else "-nosandbox"))
    except RuntimeError as e:
        b.add("run", [label, n, "failed: %s" % e, "-", "-", 0, ""])
        return
    pdfs = count_files(os.path.join(ws, "letters"), lambda f: not f.endswith(".pdf"))
    archived = count_files(os.path.join(ws, "archive"))
    quarantined = count_files(os.path.join(ws, "quarantine"), lambda f: f.endswith(".txt"))
    left = count_files(os.path.join(ws, "inbox"))
    extra = "%d archived, %d quarantined, %d left in inbox; %d PDFs in letters/" % (archived, quarantined, left, pdfs)
    if not letters:
        extra += " (skema-letter left out)"
    if rc == OVER_BUDGET:
        b.add("run", [label, n, b.failed(rc), "-", "-", 0, ""])
        return
    if rc:
        b.add("run", [label, n, b.failed(rc), "-", fmt_mb(rss), runs, extra])
        return
    if left:
        b.add("run", [label, n, "incomplete: %d forms not taken" % left, "-", fmt_mb(rss), runs, extra])
        return
    b.note_rss("skema run (all its processes)", rss)
    b.add("run", [label, n, b.wall_cpu(sec), fmt_rate(n, sec), fmt_mb(rss), runs, extra])
    b.figures[("run" if isolated else "run-shared", n, jobs, letters)] = (sec, rss, pdfs)


# --- the report --------------------------------------------------------------------------

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576.0)
    except OSError:
        pass
    osr = "?"
    try:
        osr = [l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME")][0]
    except (OSError, IndexError):
        pass
    return "%s, %d cores (%s), %s RAM, %s %s" % (osr, os.cpu_count() or 0, cpu, mem, platform.system(),
                                                 platform.release())


def git_commit():
    try:
        c = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL).stdout.decode().strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
        return c + (" (with uncommitted changes in the tree)" if dirty else "")
    except OSError:
        return "?"


def version_of(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        line = r.stdout.decode(errors="replace").strip().split("\n")[0]
        return line[:80]
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def targets(b, sizes):
    """The issue's targets, each with its measured figure and baseline."""
    rows = []
    big = max(sizes)

    def status(ok):
        return "met" if ok else "**not met**"

    def largest(*keys):
        """The largest size at which every key (a function of n) has a figure."""
        ok = [n for n in sizes if all(k(n) in b.figures for k in keys)]
        return max(ok) if ok else None

    ex_n = largest(lambda n: ("batch", "extract", n))
    ex = b.figures.get(("batch", "extract", ex_n))
    pandoc = b.figures.get(("per-form", "pandoc -t plain"))
    if ex and pandoc:
        per = ex[0] / ex[2]
        ratio = pandoc[0] / per
        rows.append(["extraction vs `pandoc -t plain`, per form", "%s ms (batch of %d)" % (fmt_ms(per), ex_n),
                     "%s ms (one process per form)" % fmt_ms(pandoc[0]), "%.0f×" % ratio, "≥ 100×", status(ratio >= 100)])
        one = b.figures.get(("per-form", "extract"))
        if one:
            ratio = pandoc[0] / one[0]
            rows.append(["(extraction vs pandoc, both one process per form, for comparison)",
                         "%s ms" % fmt_ms(one[0]), "%s ms" % fmt_ms(pandoc[0]), "%.0f×" % ratio, "≥ 100×",
                         status(ratio >= 100)])
    else:
        rows.append(["extraction vs `pandoc -t plain`", "-" if not ex else "%s ms" % fmt_ms(ex[0] / ex[2]),
                     "-" if not pandoc else "%s ms" % fmt_ms(pandoc[0]), "-", "≥ 100×",
                     "skipped: " + ("skema-extract not measured" if not ex else "pandoc not measured")])
    fl_n = largest(lambda n: ("batch", "extract", n), lambda n: ("floor", n))
    if fl_n:
        ex, floor = b.figures[("batch", "extract", fl_n)], b.figures[("floor", fl_n)]
        ratio = ex[0] / floor[0]
        rows.append(["extraction vs the floor, same %d forms" % fl_n, fmt_sec(ex[0]) + " s",
                     fmt_sec(floor[0]) + " s", "%.2f× the floor" % ratio, "≤ 2×", status(ratio <= 2)])
        # The default extract reads documents in parallel children; the
        # floor is one process on one core.  Show the like-for-like too.
        for variant in ("extract --jobs 1", "extract --no-sandbox"):
            vn = largest(lambda n, v=variant: ("batch", v, n), lambda n: ("floor", n))
            if vn:
                v, floor = b.figures[("batch", variant, vn)], b.figures[("floor", vn)]
                ratio = v[0] / floor[0]
                rows.append(["(%s vs the floor, %d forms, for comparison)" % (variant.replace("extract", "extraction"),
                                                                             vn),
                             fmt_sec(v[0]) + " s", fmt_sec(floor[0]) + " s", "%.2f× the floor" % ratio, "≤ 2×",
                             status(ratio <= 2)])
        # Reading each form in a process of its own has a price of its own
        # here (fork, exit, the child's first touch of every page): set the
        # sandboxed stage on one core beside the floor that pays it too.
        vn = largest(lambda n: ("batch", "extract --jobs 1", n), lambda n: ("floor-fork", n))
        if vn:
            v, ff = b.figures[("batch", "extract --jobs 1", vn)], b.figures[("floor-fork", vn)]
            ratio = v[0] / ff[0]
            rows.append(["(extraction --jobs 1 vs the floor read in a fresh process per form, %d forms, "
                         "for comparison)" % vn, fmt_sec(v[0]) + " s", fmt_sec(ff[0]) + " s",
                         "%.2f× that floor" % ratio, "≤ 2×", status(ratio <= 2)])
            if pandoc:
                per = ff[0] / vn
                rows.append(["(the floor in a fresh process per form vs `pandoc -t plain`: the most any "
                             "extractor isolating each form could reach here on one core)",
                             "%s ms" % fmt_ms(per), "%s ms" % fmt_ms(pandoc[0]), "%.0f×" % (pandoc[0] / per),
                             "≥ 100×", status(pandoc[0] / per >= 100)])
    else:
        rows.append(["extraction vs the floor", "-", "-", "-", "≤ 2×",
                     "skipped: skema-extract not measured" if not ex else "skipped: floor not measured"])
    lt = [v for k, v in b.figures.items() if k[0] == "letters"]
    lo = b.figures.get("libreoffice")
    lt1 = [v for k, v in b.figures.items() if k[0] == "letters-1"]
    if lt:
        sec, _rss, count, size = max(lt, key=lambda v: v[2])
        rate = count / sec
        if lt1:
            # One process (--jobs 1) at every size measured: the slowest is the figure.
            for v in sorted(lt1, key=lambda v: v[2]):
                rows.append(["letters per second, one process (--jobs 1, %d letters)" % v[2],
                             "%.0f letters/s" % (v[2] / v[0]), "-", "-", "≥ 150/s", status(v[2] / v[0] >= 150)])
            rows.append(["letters per second, default --jobs (%d letters)" % count, "%.0f letters/s" % rate, "-", "-",
                         "-", "for comparison"])
        else:
            rows.append(["letters per second, one process", "%.0f letters/s (%d letters)" % (rate, count), "-", "-",
                         "≥ 150/s", status(rate >= 150)])
        rows.append(["letter size", "%.1f KB" % (size / 1024.0 / count), "-", "-", "≤ 40 KB",
                     status(size / count <= 40 * 1024)])
        if lo:
            ratio = lo[0] / (sec / count)
            rows.append(["letters vs LibreOffice (one batch call)", "%s ms/letter" % fmt_ms(sec / count),
                         "%s ms/letter" % fmt_ms(lo[0]), "%.0f×" % ratio, "≥ 20×", status(ratio >= 20)])
            if lt1:
                sec1, _r1, count1 = max(lt1, key=lambda v: v[2])
                ratio1 = lo[0] / (sec1 / count1)
                rows.append(["(letters in one process vs LibreOffice, for comparison)",
                             "%s ms/letter" % fmt_ms(sec1 / count1), "%s ms/letter" % fmt_ms(lo[0]),
                             "%.0f×" % ratio1, "≥ 20×", status(ratio1 >= 20)])
        else:
            rows.append(["letters vs LibreOffice", "%s ms/letter" % fmt_ms(sec / count), "-", "-", "≥ 20×",
                         "skipped: LibreOffice not measured"])
    else:
        for what, t in (("letters per second, one process", "≥ 150/s"), ("letter size", "≤ 40 KB"),
                        ("letters vs LibreOffice (one batch call)", "≥ 20×")):
            rows.append([what, "-", "%s ms/letter" % fmt_ms(lo[0]) if lo and "LibreOffice" in what else "-", "-", t,
                         "skipped: skema-letter wrote no letters"])
    rep_n = largest(lambda n: ("report", n))
    rep = b.figures.get(("report", rep_n))
    sq = b.figures.get(("sqlite3", rep_n))
    if rep:
        rows.append(["report over %d submissions" % rep_n, fmt_sec(rep[0]) + " s",
                     (fmt_sec(sq[0]) + " s (sqlite3, same queries)") if sq else "-",
                     "%.1f× sqlite3" % (rep[0] / sq[0]) if sq else "-", "< 1 s",
                     status(rep[0] < 1) + ("" if rep_n >= 10000 else " (at %d, not 10,000)" % rep_n)])
    else:
        rows.append(["report over 10,000 submissions", "-", (fmt_sec(sq[0]) + " s (sqlite3)") if sq else "-", "-",
                     "< 1 s", "skipped: skema-report not measured"])
    def in_floors(n, sec):
        """The whole run beside the floor over the same forms in the same
        run: a machine's speed cancels out, so runs on different (or busier)
        machines can be compared by this column."""
        floor = b.figures.get(("floor", n))
        if not floor:
            return "-", "-"
        return ("the floor, same %d forms: %s s" % (n, fmt_sec(floor[0])),
                "%.1f× the floor" % (sec / floor[0]))

    for letters, t in ((False, 1000), (True, 150)):
        runs = [(k, v) for k, v in b.figures.items() if k[0] == "run" and k[3] == letters]
        label = "whole pipeline, %s" % ("a letter each" if letters else "no letters")
        if runs:
            (k, v) = max(runs, key=lambda kv: (kv[0][1], kv[0][2]))
            rate = k[1] / v[0]
            base, ratio = in_floors(k[1], v[0])
            rows.append([label + " (%d forms, --jobs %d)" % (k[1], k[2]), "%.0f forms/s" % rate, base, ratio,
                         "≥ %d forms/s" % t, status(rate >= t)])
        else:
            rows.append([label, "-", "-", "-", "≥ %d forms/s" % t, "skipped: skema run not measured"])
        shared = [(k, v) for k, v in b.figures.items() if k[0] == "run-shared" and k[3] == letters]
        if shared:
            (k, v) = max(shared, key=lambda kv: (kv[0][1], kv[0][2]))
            rate = k[1] / v[0]
            base, ratio = in_floors(k[1], v[0])
            rows.append(["(%s, %d forms, skema-extract --no-sandbox: no process per document, for comparison)"
                         % (label, k[1]), "%.0f forms/s" % rate, base, ratio, "≥ %d forms/s" % t, status(rate >= t)])
    if b.max_rss_kb:
        worst = max(b.max_rss_kb.items(), key=lambda kv: kv[1])
        rows.append(["peak RSS, any of our programs, any N", "%s MB (%s)" % (fmt_mb(worst[1]), worst[0]), "-", "-",
                     "< 50 MB", status(worst[1] < 50 * 1024)])
    return rows


def scaling(b, sizes):
    """Cost per form and peak RSS at every size, and how they grow from the
    smallest size to the largest: linear cost is a ratio near 1."""
    rows = []
    lo, hi = min(sizes), max(sizes)

    def line(name, get):
        cells = []
        for n in sizes:
            f = get(n)
            cells.append("%.0f µs, %s MB" % (f[0] * 1e6, fmt_mb(f[1])) if f else "-")
        if all(c == "-" for c in cells):
            return
        a, z = get(lo), get(hi)
        growth = "-"
        if a and z and lo != hi:
            growth = "cost %.2f×, RSS %.2f×" % (z[0] / a[0], z[1] / float(a[1]) if a[1] else 0)
        rows.append([name] + cells + [growth])

    for stage in ("ingest", "extract", "extract --jobs 1", "extract --no-sandbox", "validate", "store", "decide",
                  "report"):
        line(stage, lambda n, st=stage: (lambda f: (f[0] / n, f[1]) if f else None)(b.figures.get(("batch", st, n))))
    line("letter (per letter)", lambda n: (lambda f: (f[0] / f[2], f[1]) if f else None)(b.figures.get(("letters", n))))
    line("floor (baseline)", lambda n: (lambda f: (f[0] / n, f[1]) if f else None)(b.figures.get(("floor", n))))
    line("floor, a process per form (baseline)",
         lambda n: (lambda f: (f[0] / n, f[1]) if f else None)(b.figures.get(("floor-fork", n))))
    line("sqlite3 report queries (baseline)",
         lambda n: (lambda f: (f[0] / n, f[1]) if f else None)(b.figures.get(("sqlite3", n))))
    return rows


def main(argv):
    ap = argparse.ArgumentParser(prog="bench", description="skema's benchmark (issue 9)")
    ap.add_argument("--quick", action="store_true", help="a minute or less: 100 forms, fewer runs")
    ap.add_argument("--sizes", help="comma-separated workload sizes (default 100,1000,10000; quick: 100)")
    ap.add_argument("--out", help="markdown output (default bench/results.md; quick: bench/work/results-quick.md)")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"), help="scratch directory")
    ap.add_argument("--bin", default=os.path.join(ROOT, "bin"), help="where skema and skema-* are")
    ap.add_argument("--tools", default=os.path.join(ROOT, "build", "bin"), help="where floor is")
    ap.add_argument("--no-run", action="store_true", help="leave out the whole-pipeline runs")
    ap.add_argument("--budget", type=float, help="seconds the whole benchmark may take (default 1800; quick 60): "
                    "a measurement predicted to overrun it is reported as skipped")
    ap.add_argument("--max-run", type=float, help="seconds one run may be predicted to take (default 400; quick 30)")
    ap.add_argument("--no-libreoffice", action="store_true",
                    help="leave out LibreOffice (the letters baseline, the re-saved forms)")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 64
    try:
        sizes = [int(s) for s in (args.sizes or ("100" if args.quick else "100,1000,10000")).split(",")]
    except ValueError:
        sys.stderr.write("bench: --sizes: not a list of numbers\n")
        return 64
    out = args.out or os.path.join(ROOT, "bench", "work" if args.quick else "", "results-quick.md" if args.quick else "results.md")
    if args.budget is None:
        args.budget = 60.0 if args.quick else 1800.0
    if args.max_run is None:
        args.max_run = 30.0 if args.quick else 400.0
    b = Bench(args)
    b.sizes = sizes
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()
    t0 = time.perf_counter()

    # Order: what matters most first, so a time budget cuts the least
    # telling measurements: every stage at the smaller sizes, then one
    # process per form and LibreOffice on the last of them, the whole run
    # at 1,000, and only then the largest size (stages, then its run).
    big = max(sizes)
    small = [n for n in sizes if n < big]
    run_sizes = [] if args.no_run else ([sizes[0]] if b.quick else [n for n in sizes if n >= 1000] or [big])
    state = {}

    def batch(n):
        sys.stderr.write("bench: %d forms\n" % n)
        wl = workload(b, n)
        st = {"wl": wl, "n": n}
        stage_batch(b, n, wl, st)
        return st

    def runs(n):
        sys.stderr.write("bench: skema run, %d forms\n" % n)
        wl = workload(b, n)
        whole_run(b, n, wl, 2, False)
        whole_run(b, n, wl, 2, True)
        if n == big:
            whole_run(b, n, wl, 2, False, isolated=False)

    def jobs_compared(n):
        """--jobs 1 against --jobs 2, at a small size: the comparison, not
        the throughput figure, is what matters, and --jobs 1 is slow."""
        sys.stderr.write("bench: skema run --jobs 1 and 2, %d forms\n" % n)
        wl = workload(b, n)
        whole_run(b, n, wl, 1, False)
        whole_run(b, n, wl, 2, False)

    if args.no_run:
        b.add("run", ["skema run", "-", "skipped: --no-run", "-", "-", 0, ""])
    for n in small:
        state = batch(n)
    if not small:
        state = batch(big)
    sys.stderr.write("bench: one process per form\n")
    stage_per_form(b, state["n"], state["wl"], state)
    sys.stderr.write("bench: LibreOffice\n")
    libreoffice_letters(b, state)
    if run_sizes and not b.quick and min(sizes) not in run_sizes:
        jobs_compared(min(sizes))
    for n in run_sizes:
        if n < big or not small:
            runs(n)
    if small:
        batch(big)
        if big in run_sizes:
            runs(big)

    elapsed = time.perf_counter() - t0
    load1 = os.getloadavg()
    b.bury_all_now()
    md = []
    md.append("# skema benchmark results\n")
    md.append("Written by `make %s` (bench/bench.py); do not edit by hand. Performance claims in the README come "
              "from this file only.\n" % ("bench-quick" if b.quick else "bench"))
    md.append("- date: %s" % started.strftime("%Y-%m-%d %H:%M UTC"))
    md.append("- commit: %s" % git_commit())
    md.append("- machine: %s" % machine())
    md.append("- load average at start / end: %.2f / %.2f (the machine is shared; figures are medians)" % (load0[0], load1[0]))
    md.append("- mode: %s; sizes %s; the whole benchmark took %.0f s (time budget %.0f s, one run at most %.0f s: "
              "a measurement predicted to overrun them is reported as skipped)"
              % ("quick" if b.quick else "full", ", ".join(map(str, sizes)), elapsed, args.budget, args.max_run))
    md.append("- workload: bench/workload.py, seed %d; at %d forms: %s"
              % (SEED, big, describe(os.path.join(b.work, "wl-%d-s%d" % (big, SEED)))))
    md.append("- SKEMA_NOW=%s for every run" % SKEMA_NOW)
    md.append("- the workspace and letter folders of earlier runs are moved aside, not deleted, before a timed run, and "
              "deleted when the benchmark ends: on a file system where creating a file shortly after many deletions is "
              "slow (ext4 without a journal scans past recently deleted inodes), the deletions would be billed to the "
              "next run")
    md.append("- baselines: pandoc %s; %s; sqlite3 %s" % (
        version_of(["pandoc", "--version"]).replace("pandoc ", ""),
        version_of(["soffice", "--version"]) if b.have("soffice") else "LibreOffice not installed",
        version_of(["sqlite3", "--version"]).split(" ")[0]))
    md.append("")
    md.append("## Targets (issue 9), each beside its baseline\n")
    md.append(table(["what", "skema", "baseline", "ratio", "target", "status"], targets(b, sizes)))
    md.append("\n## Each stage, one process per batch\n")
    md.append("Median wall time of the runs counted, median CPU time (user + system, with children) in brackets; "
              "forms/s = forms in the batch / wall time; RSS is the peak.\n")
    md.append(table(["stage", "forms", "median s (CPU s)", "forms/s", "peak RSS MB", "runs", "output"],
                    b.rows.get("batch", [])))
    md.append("\n## Extraction: fields read right\n")
    md.append("Every filled field of every readable form, compared with the value the generator wrote "
              "(bench/work/values.jsonl; long text with whitespace collapsed). Speed means nothing if the "
              "fields are wrong. Mismatches: bench/work/mismatches-N.txt.\n")
    md.append(table(["written by", "forms", "records", "form identified", "fields read right", "share"],
                    b.rows.get("agreement", [["-", "-", "-", "-", "skipped: skema-extract not measured", "-"]])))
    md.append("\n## Baselines, one process per batch, same input\n")
    md.append(table(["baseline", "forms", "median s (CPU s)", "forms/s", "peak RSS MB", "runs"],
                    b.rows.get("baseline-batch", [])))
    md.append("\n## One process per form (a sample of the %d-form workload)\n" % state["n"])
    md.append("Each form in its own process, the whole sample run `runs` times; the median total.\n")
    md.append(table(["program", "forms", "ms per form", "forms/s", "peak RSS MB", "runs"], b.rows.get("per-form", [])))
    md.append("\n## Letters beside LibreOffice\n")
    md.append(table(["converter", "letters", "ms per letter", "letters/s", "KB per letter", "peak RSS MB", "input"],
                    b.rows.get("letters", [])))
    md.append("\n## Whole pipeline: `skema run`\n")
    md.append(table(["command", "forms", "median s (CPU s)", "forms/s", "peak RSS MB", "runs", "result"],
                    b.rows.get("run", [])))
    md.append("\n## Scaling: cost per form and peak RSS by workload size\n")
    md.append("Median time per form (per letter for letters) and peak RSS; the last column compares the largest "
              "size with the smallest.\n")
    md.append(table(["stage"] + ["%d forms" % n for n in sizes] + ["growth %d → %d" % (min(sizes), max(sizes))],
                    scaling(b, sizes)))
    md.append("\nLogs of every run (stderr): bench/work/logs/.")
    text = "\n".join(md) + "\n"
    tmp = out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    sys.stdout.write(text)
    sys.stderr.write("bench: wrote %s\n" % os.path.relpath(out, os.getcwd()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
