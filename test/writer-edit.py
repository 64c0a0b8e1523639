"""
Edit .docx files the way a translator does in LibreOffice Writer, through Writer itself (UNO),
for the import tests: one headless soffice for every job, with a private profile.

    python3 writer-edit.py jobs.json [done.json]

jobs.json: [{"in": "a.docx", "out": "b.docx", "edits": [{"op": ..., ...}, ...], "filter": ...}, ...]
With done.json, a job whose edit fails is recorded there and the next job goes on (the crowd of
test/writer-crowd.ts); each job's entry lists what each edit did, in Writer's terms, or its error.
Ops (text is found with Writer's own search, first match):
  retype      {"find": "words", "replace": "other words"}  type over words
  crossref    {"after": "words", "footnote": k}  Insert > Cross-reference > Footnotes, after the
              words, to the k-th footnote (0-based, document order)
  footnote    {"after": "words", "text": "note text"}  Insert > Footnote after the words
  delete      {"footnote": k}  delete the k-th footnote's call (and so the note)
  uncall      {"after": "words"}  delete the field (a cross-reference) right after the words
  style       {"paragraph": n, "style": "Text Body"}  set the n-th body paragraph's style (0-based)
  title       {"value": ""}  File > Properties > Title
The crowd's ops pick their place by numbers taken modulo what the document has (p: a paragraph of
the body, 1 and on; at: a word boundary in it; k: a footnote), so any seed fits any document:
  words       {p, at, n, text}  type text over n words; reorder {p}: swap two sentences
  format      {p, at, n, kind: bold|italic|underline}  over n characters (note calls count one)
  split, linebreak {p, at}  Enter / Shift+Enter;  join {p}  Delete at the paragraph's end
  notetext    {k, text};  delnote {k};  addnote {p, at, text};  movecall {k, at}  cut and paste
              the call to a word boundary between its neighbours;  copypara {p}  a paragraph
              holding a call copied and pasted below it
  comment     {p, at, text};  link {p, at, text, url};  row {k, text}  a table row inserted
  parastyle   {p, styles: [...]}  the first style the document has;  track {accept, edit}
              the edit made with Edit › Track Changes › Record on, then all accepted or not
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import re
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name = k
        p.Value = v
        out.append(p)
    return tuple(out)


def find(doc, text):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"writer-edit: {text!r} not found")
    return found


def footnote(doc, k):
    notes = doc.getFootnotes()
    if k >= notes.getCount():
        raise SystemExit(f"writer-edit: no footnote {k}")
    return notes.getByIndex(k)


def paragraphs(doc):
    """The body's top-level paragraphs (tables skipped), the title first."""
    out = []
    e = doc.getText().createEnumeration()
    while e.hasMoreElements():
        p = e.nextElement()
        if p.supportsService("com.sun.star.text.Paragraph"):
            out.append(p)
    return out


def portions(p):
    out = []
    e = p.createEnumeration()
    while e.hasMoreElements():
        out.append(e.nextElement())
    return out


def model(p):
    """A paragraph as Writer counts it: one character per text character, per note call and field."""
    chars = []  # (kind, text) per character position
    for r in portions(p):
        kind = r.TextPortionType
        if kind == "Text":
            chars += [("t", c) for c in r.getString()]
        elif kind in ("Footnote", "TextField", "Annotation"):
            chars.append((kind, ""))
    return chars


def boundaries(chars):
    """Positions where a word starts (after a space), in the text between calls."""
    return [i for i in range(1, len(chars)) if chars[i][0] == "t" and chars[i - 1] == ("t", " ") and chars[i][1] != " "]


def with_text(doc, n, minimum=1):
    ps = [p for p in paragraphs(doc)[1:] if len(boundaries(model(p))) >= minimum]
    if not ps:
        raise Skip("no paragraph with words")
    return ps[n % len(ps)]


def head(p):
    """The paragraph's first word, as the import quotes it (note numbers left out)."""
    return "".join(c for k, c in model(p) if k == "t").split(" ")[0]


def index_of(doc, p):
    for i, q in enumerate(paragraphs(doc)):
        if q == p:
            return i
    return -1


class Skip(Exception):
    pass


def cursor_at(p, at, length=0):
    c = p.getText().createTextCursorByRange(p.getStart())
    c.goRight(at, False)
    if length:
        c.goRight(length, True)
    return c


def words_at(p, at, n):
    """Start and length of n words from the at-th word boundary, inside one run of text."""
    chars = model(p)
    starts = boundaries(chars)
    start = starts[at % len(starts)]
    end = start
    count = 0
    while end < len(chars) and chars[end][0] == "t" and count < n:
        end += 1
        if end == len(chars) or chars[end] == ("t", " "):
            count += 1
    return start, end - start, "".join(c for _, c in chars[start:end])


def anchor_of(doc, k):
    notes = doc.getFootnotes()
    if notes.getCount() == 0:
        raise Skip("no footnote")
    note = notes.getByIndex(k % notes.getCount())
    return note, note.getAnchor()


def paragraph_of(doc, anchor):
    for i, p in enumerate(paragraphs(doc)):
        if p.getText() == anchor.getText() and p.getText().compareRegionStarts(p.getStart(), anchor) >= 0 and p.getText().compareRegionEnds(p.getEnd(), anchor) <= 0:
            return i, p
    raise Skip("note call not in a body paragraph")


DESKTOP_CTX = None


def dispatch(doc, command, **args):
    helper = DESKTOP_CTX.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", DESKTOP_CTX)
    helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, props(**args))


def crowd_edit(doc, op):
    """The crowd's ops; returns what was done."""
    kind = op["op"]
    if kind == "words":
        p = with_text(doc, op["p"])
        start, length, old = words_at(p, op["at"], op["n"])
        cursor_at(p, start, length).setString(op["text"])
        return {"p": index_of(doc, p), "old": old, "new": op["text"]}
    if kind == "reorder":
        p = with_text(doc, op["p"])
        for r in portions(p):
            if r.TextPortionType != "Text":
                continue
            parts = re.split(r"(?<=[.!?。！？]) ", r.getString())
            if len(parts) >= 2 and all(parts):
                new = " ".join(parts[1:] + parts[:1])
                old = r.getString()
                r.setString(new)
                return {"p": index_of(doc, p), "old": old, "new": new}
        raise Skip("no two sentences in one run")
    if kind == "format":
        p = with_text(doc, op["p"])
        chars = model(p)
        start = op["at"] % len(chars)
        length = max(1, min(op["n"], len(chars) - start))
        c = cursor_at(p, start, length)
        if op["kind"] == "bold":
            c.CharWeight = 150.0
        elif op["kind"] == "italic":
            c.CharPosture = uno.Enum("com.sun.star.awt.FontSlant", "ITALIC")
        else:
            c.CharUnderline = 1
        return {"p": index_of(doc, p), "span": "".join(ch or "^" for _, ch in chars[start : start + length]), "calls": sum(1 for k, _ in chars[start : start + length] if k != "t")}
    if kind in ("split", "linebreak"):
        p = with_text(doc, op["p"])
        starts = boundaries(model(p))
        at = starts[op["at"] % len(starts)]
        c = cursor_at(p, at)
        c.getText().insertControlCharacter(c, 0 if kind == "split" else 1, False)
        return {"p": index_of(doc, p), "at": at}
    if kind == "join":
        ps = paragraphs(doc)
        # Paragraphs next to each other, no table between (Delete before a table does not join).
        blocks = []
        e = doc.getText().createEnumeration()
        while e.hasMoreElements():
            blocks.append(e.nextElement().supportsService("com.sun.star.text.Paragraph"))
        i, candidates = -1, []
        for k, is_paragraph in enumerate(blocks):
            i += is_paragraph
            if is_paragraph and k + 1 < len(blocks) and blocks[k + 1] and i >= 1:
                candidates.append(i)
        if not candidates:
            raise Skip("no two paragraphs to join")
        i = candidates[op["p"] % len(candidates)]
        c = ps[i].getText().createTextCursorByRange(ps[i].getEnd())
        c.goRight(1, True)
        c.setString("")
        return {"p": i}
    if kind == "notetext":
        note, _ = anchor_of(doc, op["k"])
        old = note.getString()
        note.setString(op["text"])
        return {"k": op["k"] % doc.getFootnotes().getCount(), "old": old, "new": op["text"]}
    if kind == "delnote":
        note, anchor = anchor_of(doc, op["k"])
        i, _ = paragraph_of(doc, anchor)
        k = op["k"] % doc.getFootnotes().getCount()
        anchor.getText().createTextCursorByRange(anchor).setString("")
        return {"p": i, "k": k}
    if kind == "addnote":
        p = with_text(doc, op["p"])
        starts = boundaries(model(p))
        c = cursor_at(p, starts[op["at"] % len(starts)] - 1)
        note = doc.createInstance("com.sun.star.text.Footnote")
        c.getText().insertTextContent(c, note, False)
        note.setString(op["text"])
        return {"p": index_of(doc, p), "head": head(p)}
    if kind == "movecall":
        note, anchor = anchor_of(doc, op["k"])
        i, p = paragraph_of(doc, anchor)
        chars = model(p)
        # where the call is, counted as Writer does
        c = p.getText().createTextCursorByRange(p.getStart())
        here = 0
        while c.getText().compareRegionStarts(c.getStart(), anchor.getStart()) > 0:
            c.goRight(1, False)
            here += 1
        if here >= len(chars):
            raise Skip("the call is not where Writer's text says")
        before = max([j for j in range(here) if chars[j][0] != "t"], default=-1)
        after = min([j for j in range(here + 1, len(chars)) if chars[j][0] != "t"], default=len(chars))
        targets = [j for j in boundaries(chars) if before < j - 1 and j <= after and j - 1 != here and j != here + 1]
        if not targets:
            raise Skip("no word boundary beside the call")
        to = targets[op["at"] % len(targets)] - 1  # before the space that starts the word
        controller = doc.getCurrentController()
        controller.select(cursor_at(p, here, 1))
        clip = controller.getTransferable()
        cursor_at(p, here, 1).setString("")
        if to > here:
            to -= 1
        controller.select(cursor_at(p, to))
        controller.insertTransferable(clip)
        return {"p": i, "from": here, "to": to}
    if kind == "copypara":
        ps = [p for p in paragraphs(doc)[1:] if any(k == "Footnote" for k, _ in model(p))]
        if not ps:
            raise Skip("no paragraph with a call")
        p = ps[op["p"] % len(ps)]
        controller = doc.getCurrentController()
        controller.select(p.getText().createTextCursorByRange(p))
        clip = controller.getTransferable()
        end = p.getText().createTextCursorByRange(p.getEnd())
        end.getText().insertControlCharacter(end, 0, False)
        controller.select(end)
        controller.insertTransferable(clip)
        return {"p": index_of(doc, p), "head": head(p)}
    if kind == "comment":
        p = with_text(doc, op["p"])
        starts = boundaries(model(p))
        start = starts[op["at"] % len(starts)]
        # On a word, as Writer's Insert › Comment on a selection.
        c = cursor_at(p, start, next((j for j in starts if j > start), len(model(p))) - start - 1)
        i = index_of(doc, p)  # first: enumerating the paragraphs after a comment crashes 7.4
        note = doc.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = "Translator"
        note.Content = op["text"]
        c.getText().insertTextContent(c, note, True)
        return {"p": i}
    if kind == "link":
        p = with_text(doc, op["p"])
        starts = boundaries(model(p))
        at = starts[op["at"] % len(starts)]
        c = cursor_at(p, at)
        c.getText().insertString(c, op["text"] + " ", False)
        c = cursor_at(p, at, len(op["text"]))
        c.HyperLinkURL = op["url"]
        return {"p": index_of(doc, p), "new": op["text"]}
    if kind == "row":
        tables = doc.getTextTables()
        if tables.getCount() == 0:
            raise Skip("no table")
        table = tables.getByIndex(op["k"] % tables.getCount())
        rows = table.getRows().getCount()
        at = 1 + op["k"] % max(1, rows - 1) if rows > 1 else rows
        table.getRows().insertByIndex(at, 1)
        names = [n for n in table.getCellNames() if re.fullmatch(r"[A-Z]+" + str(at + 1), n)]
        table.getCellByName(names[0]).setString(op["text"])
        return {"row": at, "new": op["text"]}
    if kind == "parastyle":
        p = with_text(doc, op["p"])
        family = doc.getStyleFamilies().getByName("ParagraphStyles")
        for name in op["styles"]:
            if family.hasByName(name):
                p.ParaStyleName = name
                return {"p": index_of(doc, p), "style": name}
        raise Skip("none of the styles")
    if kind == "track":
        doc.RecordChanges = True
        done = crowd_edit(doc, op["edit"])
        doc.RecordChanges = False
        if op["accept"]:
            dispatch(doc, ".uno:AcceptAllTrackedChanges")
        done["redlines"] = doc.getRedlines().createEnumeration().hasMoreElements()
        return done
    raise SystemExit(f"writer-edit: unknown op {kind}")


def edit(doc, op):
    kind = op["op"]
    if kind == "retype":
        found = find(doc, op["find"])
        found.setString(op["replace"])
    elif kind == "crossref":
        found = find(doc, op["after"])
        field = doc.createInstance("com.sun.star.text.textfield.GetReference")
        field.ReferenceFieldSource = 3  # ReferenceFieldSource.FOOTNOTE
        field.SequenceNumber = footnote(doc, op["footnote"]).ReferenceId
        field.ReferenceFieldPart = 2  # ReferenceFieldPart.TEXT ("Reference"): the note's number
        end = found.getEnd()
        end.getText().insertTextContent(end, field, False)
        doc.getTextFields().refresh()
    elif kind == "footnote":
        found = find(doc, op["after"])
        note = doc.createInstance("com.sun.star.text.Footnote")
        end = found.getEnd()
        end.getText().insertTextContent(end, note, False)
        note.setString(op["text"])
    elif kind == "delete":
        anchor = footnote(doc, op["footnote"]).getAnchor()
        anchor.getText().createTextCursorByRange(anchor).setString("")
    elif kind == "uncall":
        found = find(doc, op["after"])
        text = found.getText()
        fields = doc.getTextFields().createEnumeration()
        while fields.hasMoreElements():
            field = fields.nextElement()
            anchor = field.getAnchor()
            if anchor.getText() == text and text.compareRegionStarts(anchor, found.getEnd()) == 0:
                field.dispose()
                break
        else:
            raise SystemExit(f"writer-edit: no field after {op['after']!r}")
    elif kind == "style":
        paragraphs = doc.getText().createEnumeration()
        n = -1
        while paragraphs.hasMoreElements():
            p = paragraphs.nextElement()
            if p.supportsService("com.sun.star.text.Paragraph"):
                n += 1
                if n == op["paragraph"]:
                    p.ParaStyleName = op["style"]
                    break
    elif kind == "title":
        doc.getDocumentProperties().Title = op["value"]
    else:
        return crowd_edit(doc, op)
    return {}


def main():
    jobs = json.load(open(sys.argv[1]))
    done = sys.argv[2] if len(sys.argv) > 2 else None
    log = []
    profile = tempfile.mkdtemp(prefix="broadside-writer-")
    pipe = "broadside" + str(os.getpid())
    env = dict(os.environ)
    soffice = subprocess.Popen(
        [
            os.environ.get("SOFFICE", "soffice"),
            "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # Its own process group: `soffice` is a script that starts soffice.bin, and both must go.
        start_new_session=True,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 60
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.time() > deadline or soffice.poll() is not None:
                    raise SystemExit("writer-edit: soffice did not start")
                time.sleep(0.2)
        global DESKTOP_CTX
        DESKTOP_CTX = ctx
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for job in jobs:
            entry = {"out": job["out"], "done": []}
            log.append(entry)
            # A soffice killed with the file open leaves its lock, and Writer then opens nothing.
            lock = os.path.join(os.path.dirname(os.path.abspath(job["in"])), ".~lock." + os.path.basename(job["in"]) + "#")
            if os.path.exists(lock):
                os.remove(lock)
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["in"])), "_blank", 0, props(Hidden=True))
            if doc is None:
                raise SystemExit(f"writer-edit: Writer did not open {job['in']}")
            try:
                for op in job["edits"]:
                    try:
                        entry["done"].append(edit(doc, op))
                    except Skip as skip:
                        entry["done"].append({"skipped": str(skip)})
                filter = job.get("filter", "MS Word 2007 XML")
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["out"])), props(FilterName=filter))
            except Exception:
                if done is None:
                    raise
                entry["error"] = traceback.format_exc(limit=3)
            finally:
                try:
                    doc.close(True)
                except Exception:
                    pass  # soffice died in the edit: the log says so, and the caller starts another
            if done is not None:
                json.dump(log, open(done, "w"), ensure_ascii=False)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes down with soffice
        soffice.wait(timeout=30)
    finally:
        try:
            os.killpg(soffice.pid, signal.SIGKILL)  # whatever of it is left, after an edit failed
        except ProcessLookupError:
            pass
        soffice.wait()
        shutil.rmtree(profile, ignore_errors=True)


main()
