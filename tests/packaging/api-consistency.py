#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that the documentation matches the headers.

Every constant, enum, structure, typedef and function of the UAPI header
(src/kernel/include/uapi/linux/quic.h) and of netinet/quic.h must appear in
both the Internet-Draft text (docs/draft-socket-apis/*.md) and quic(7)
(man/quic.7.md); every libquic function must have a (3) page. Every number
the documents give for a name ("#define NAME 5", "NAME = 0x11", the
implicit values of an enum block, "**NAME** (5)" in the man page) must be
the value the compiler sees, and every structure the documents spell out
must list the header's fields in the header's order. The module's sysctls,
/proc/net/quic/snmp counters and module parameters must appear in quic(7).

Prints one "PASS name" / "FAIL name: reason" line per check and exits 1 if
any check failed. Usage: api-consistency.py [TOPDIR]
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(os.path.dirname(__file__), "..", ".."))
UAPI = os.path.join(TOP, "src/kernel/include/uapi/linux/quic.h")
NETINET = os.path.join(TOP, "src/libquic/netinet/quic.h")
MAN7 = os.path.join(TOP, "man/quic.7.md")
DRAFTS = sorted(glob.glob(os.path.join(TOP, "docs/draft-socket-apis/*.md")))
MAN_MK = os.path.join(TOP, "mk/packaging.mk")

failures = 0


def result(name, problems):
    global failures
    if problems:
        failures += 1
        shown = "; ".join(problems[:8])
        more = len(problems) - 8
        print("FAIL %s: %s%s" % (name, shown,
                                 " (and %d more)" % more if more > 0 else ""))
    else:
        print("PASS %s" % name)


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def parse_header(path):
    """Names of a C header: macros, enum constants, enum/struct/union tags
    with their fields, typedefs and functions."""
    text = strip_comments(open(path).read())
    macros = re.findall(r"^#define\s+((?:QUIC|IPPROTO|SOL|MSG)_\w+|IPPROTO_QUIC|SOL_QUIC)\s+\S",
                        text, flags=re.M)
    macros = [m for m in macros if not m.startswith("_")]
    enums, tags, fields = [], [], {}
    for kind, tag, body in re.findall(r"\b(enum|struct|union)\s*(\w*)\s*\{(.*?)\};",
                                      text, flags=re.S):
        if kind == "enum":
            if tag:
                tags.append("enum " + tag)
            body = re.sub(r"^#.*$", "", body, flags=re.M)
            for item in body.split(","):
                m = re.match(r"\s*([A-Z_][A-Z0-9_]*)", item)
                if m:
                    enums.append(m.group(1))
        else:
            tags.append("%s %s" % (kind, tag))
            fields["%s %s" % (kind, tag)] = struct_fields(body)
    typedefs = re.findall(r"typedef\s+[^;]*?\(\s*\*\s*(\w+)\s*\)", text)
    funcs = re.findall(r"^[a-z][\w \t\*]*?\b(quic_\w+)\s*\(", text, flags=re.M)
    return {"macros": macros, "enums": enums, "tags": tags,
            "fields": fields, "typedefs": typedefs, "funcs": funcs}


def struct_fields(body):
    """Field names of a struct/union body, in order; a nested anonymous
    union contributes its members."""
    body = strip_comments(body)
    body = re.sub(r"\bunion\s*\{(.*?)\}\s*;", lambda m: m.group(1), body, flags=re.S)
    names = []
    for decl in body.split(";"):
        decl = decl.strip()
        if not decl:
            continue
        m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", decl)
        if m:
            names.append(m.group(1))
    return names


def compiled_values(names):
    """The values the compiler gives the integer constants in @names."""
    src = ["#include <stdio.h>", "#include <sys/socket.h>",
           "#include <linux/tls.h>", "#include <linux/quic.h>",
           "#include <netinet/quic.h>",
           "int main(void) {"]
    for n in names:
        src.append('printf("%%s %%lld\\n", "%s", (long long)(%s));' % (n, n))
    src.append("return 0; }")
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "v.c")
        exe = os.path.join(tmp, "v")
        open(c, "w").write("\n".join(src) + "\n")
        subprocess.run(["cc", "-std=gnu11", "-I", os.path.dirname(os.path.dirname(UAPI)),
                        "-I", os.path.dirname(os.path.dirname(NETINET)),
                        "-o", exe, c], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return {k: int(v) for k, v in (line.split() for line in out.splitlines())}


def code_blocks(text):
    return "\n".join(re.findall(r"^(?:~~~|```)[^\n]*\n(.*?)^(?:~~~|```)\s*$",
                                text, flags=re.S | re.M))


def doc_struct_fields(text):
    """Structures spelled out in a document's code blocks."""
    found = {}
    for kind, tag, body in re.findall(r"\b(struct|union)\s+(\w+)\s*\{(.*?)\n\s*\};",
                                      code_blocks(text), flags=re.S):
        found["%s %s" % (kind, tag)] = struct_fields(body)
    return found


def int_token(tok, values):
    tok = tok.strip().rstrip(",")
    if re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", tok):
        return int(tok, 0)
    return values.get(tok)


def doc_numbers(text, values):
    """(name, value) pairs a document states."""
    pairs = []
    blocks = code_blocks(text)
    for name, val in re.findall(r"^\s*#define\s+(\w+)\s+(\S+)", blocks, flags=re.M):
        pairs.append((name, int_token(val, values)))
    # enum blocks: explicit "= value" and implicit counting, as C does
    for body in re.findall(r"\benum\s*\w*\s*\{(.*?)\};", blocks, flags=re.S):
        nxt = 0
        for item in strip_comments(body).split(","):
            m = re.match(r"\s*([A-Z_][A-Z0-9_]*)\s*(?:=\s*(\S+))?\s*$", item)
            if not m:
                continue
            if m.group(2) is not None:
                v = int_token(m.group(2), values)
                if v is None:
                    continue
                nxt = v
            pairs.append((m.group(1), nxt))
            nxt += 1
    # prose: "**NAME** (5)", "`NAME`\n: 261.", "NAME (= MSG_SYN)"
    for name, val in re.findall(r"\*\*([A-Z][A-Z0-9_]+)\*\*\s*\((0x[0-9a-fA-F]+|\d+)\)", text):
        pairs.append((name, int(val, 0)))
    for name, val in re.findall(r"\*\*([A-Z][A-Z0-9_]+)\*\*\s*\(=\s*\*\*(\w+)\*\*\)", text):
        pairs.append((name, values.get(val)))
    for name, val in re.findall(r"^`([A-Z][A-Z0-9_]+)`\n:\s*(0x[0-9a-fA-F]+|\d+)\b", text, flags=re.M):
        pairs.append((name, int(val, 0)))
    return [(n, v) for n, v in pairs if v is not None]


def main():
    uapi = parse_header(UAPI)
    netinet = parse_header(NETINET)
    docs = {"man7": open(MAN7).read(),
            "draft": "\n".join(open(p).read() for p in DRAFTS)}
    if not DRAFTS:
        result("api-draft-present", ["no docs/draft-socket-apis/*.md"])
        return

    constants = uapi["macros"] + uapi["enums"] + netinet["enums"]
    extra = ["MSG_SYN", "MSG_FIN", "MSG_CONFIRM", "MSG_WAITFORONE", "MSG_ERRQUEUE",
             "MSG_RST", "MSG_MORE", "TLS_CIPHER_AES_GCM_128", "TLS_CIPHER_AES_GCM_256",
             "TLS_CIPHER_AES_CCM_128", "TLS_CIPHER_CHACHA20_POLY1305"]
    values = compiled_values(sorted(set(constants + extra)))
    names = sorted(set(constants + [t.split()[1] for t in uapi["tags"] + netinet["tags"]] +
                       uapi["typedefs"] + netinet["typedefs"] + netinet["funcs"]))
    result("api-header-parsed",
           [] if len(uapi["macros"]) > 20 and len(uapi["enums"]) > 40 and
           len(netinet["funcs"]) >= 14 else
           ["parsed too little: %d macros, %d enum constants, %d functions" %
            (len(uapi["macros"]), len(uapi["enums"]), len(netinet["funcs"]))])

    for doc, text in docs.items():
        missing = [n for n in names if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(n), text)]
        result("api-names-in-%s" % doc, ["%s not mentioned" % n for n in missing])

        wrong = []
        stated = doc_numbers(text, values)
        for n, v in stated:
            if n in values and values[n] != v:
                wrong.append("%s is %#x in the header, %#x in the text" % (n, values[n], v))
        result("api-numbers-in-%s" % doc, wrong if stated else ["no numbers found"])

        bad = []
        dstructs = doc_struct_fields(text)
        for tag, hfields in list(uapi["fields"].items()) + list(netinet["fields"].items()):
            if tag in dstructs and dstructs[tag] != hfields:
                bad.append("%s: header %s, text %s" % (tag, ",".join(hfields),
                                                       ",".join(dstructs[tag])))
        spelled = len([t for t in dstructs if t in uapi["fields"]])
        if doc == "draft":
            for tag in uapi["fields"]:
                if tag not in dstructs:
                    bad.append("%s not spelled out" % tag)
        result("api-structs-in-%s" % doc,
               bad if spelled else ["no structure spelled out"])

    # the sysctls (sysctl.c), /proc/net/quic/snmp counters (mib.c) and
    # module parameters of the module are documented in quic(7)
    ksrc = {f: open(os.path.join(TOP, "src/kernel", f)).read()
            for f in os.listdir(os.path.join(TOP, "src/kernel")) if f.endswith(".c")}
    sysctls = re.findall(r'\.procname\s*=\s*"(\w+)"', ksrc.get("sysctl.c", ""))
    result("api-sysctls-in-man7",
           ["net.quic.%s not documented" % n for n in sysctls
            if "net.quic.%s" % n not in docs["man7"]] if sysctls else
           ["no sysctl found in src/kernel/sysctl.c"])
    mibs = re.findall(r'=\s*"(Quic\w+)"', ksrc.get("mib.c", ""))
    result("api-snmp-in-man7",
           ["%s not documented" % n for n in mibs
            if not re.search(r"(?<![\w])%s(?![\w])" % n, docs["man7"])] if mibs else
           ["no counter found in src/kernel/mib.c"])
    params = sorted({m for text in ksrc.values()
                     for m in re.findall(r"^module_param\w*\((\w+)", text, flags=re.M)})
    result("api-modparams-in-man7",
           ["%s not documented" % n for n in params
            if not re.search(r"(?<![\w])%s(?![\w])" % n, docs["man7"])])

    # every libquic function has a man page (a source page or a .so link)
    pages = {os.path.basename(p)[:-len(".3.md")]
             for p in glob.glob(os.path.join(TOP, "man/*.3.md"))}
    links = set(re.findall(r"\b(quic_\w+)\.3:", open(MAN_MK).read()))
    result("api-man3-pages",
           ["no page for %s" % f for f in netinet["funcs"] if f not in pages | links])


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
