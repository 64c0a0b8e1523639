"""
Edit .docx files the way a translator does in LibreOffice Writer, through Writer itself (UNO),
for the import tests: one headless soffice for every job, with a private profile.

    python3 writer-edit.py jobs.json

jobs.json: [{"in": "a.docx", "out": "b.docx", "edits": [{"op": ..., ...}, ...]}, ...]
Ops (text is found with Writer's own search, first match):
  retype      {"find": "words", "replace": "other words"}  type over words
  crossref    {"after": "words", "footnote": k}  Insert > Cross-reference > Footnotes, after the
              words, to the k-th footnote (0-based, document order)
  footnote    {"after": "words", "text": "note text"}  Insert > Footnote after the words
  delete      {"footnote": k}  delete the k-th footnote's call (and so the note)
  uncall      {"after": "words"}  delete the field (a cross-reference) right after the words
  style       {"paragraph": n, "style": "Text Body"}  set the n-th body paragraph's style (0-based)
  title       {"value": ""}  File > Properties > Title
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

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
        raise SystemExit(f"writer-edit: unknown op {kind}")


def main():
    jobs = json.load(open(sys.argv[1]))
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
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for job in jobs:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["in"])), "_blank", 0, props(Hidden=True))
            try:
                for op in job["edits"]:
                    edit(doc, op)
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["out"])), props(FilterName="MS Word 2007 XML"))
            finally:
                doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes down with soffice
        soffice.wait(timeout=30)
    finally:
        if soffice.poll() is None:
            soffice.kill()
            soffice.wait()
        shutil.rmtree(profile, ignore_errors=True)


main()
