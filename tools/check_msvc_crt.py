#!/usr/bin/env python3
"""Fails (file:line) where code that MSVC compiles calls a function MSVC deprecates.

MSVC's /W4 /WX turns warning C4996 into an error for every call of
  - a CRT function that has a "_s" replacement (Microsoft Learn, "Security
    Features in the CRT" and "Security-enhanced versions of CRT functions"),
  - a POSIX name the CRT spells with a leading underscore ("Compiler Warning
    (level 3) C4996": "The POSIX name for this item is deprecated"),
  - a Winsock call marked _WINSOCK_DEPRECATED_BY in winsock2.h ("inet_addr
    function (winsock2.h)", "gethostbyname function (winsock.h)": "use
    inet_pton / getaddrinfo instead"), and GetVersionEx ("GetVersionExA
    function (sysinfoapi.h)": deprecated since Windows 8.1, C4996).
No MSVC runs here, so this script stands in for it: it reads the sources
that the Windows builds compile (everything but src/posix), keeps only what
MSVC would compile (`#ifdef _WIN32` / `_MSC_VER` branches; branches for
other systems and for gcc/MinGW dropped; a condition it cannot decide keeps
both branches) and reports each call of a listed function. Silencing the
warning instead (_CRT_SECURE_NO_WARNINGS, _CRT_NONSTDC_NO_WARNINGS,
_WINSOCK_DEPRECATED_NO_WARNINGS, #pragma warning(disable: 4996)) is
reported too.

usage: check_msvc_crt.py [--root DIR] [FILE...]     (default: the whole tree)
       check_msvc_crt.py --self-test                 (plants calls, checks they are found)
"""
import os
import re
import sys
import tempfile

# name -> what to use instead
DEPRECATED = {}
for names, use in [
    # "Security Features in the CRT": functions with secure (_s) versions.
    ("sprintf vsprintf _sprintf_l _vsprintf_l swprintf_l", "snprintf / vsnprintf (C99; not deprecated since VS2015)"),
    ("_snprintf _vsnprintf _snwprintf _vsnwprintf", "snprintf / vsnprintf"),
    ("scanf sscanf fscanf vscanf vsscanf vfscanf wscanf swscanf fwscanf _snscanf",
     "strtol / strtoul / strtod (or *_s)"),
    ("fopen freopen _wfopen _wfreopen _fsopen", "fopen_s (examples/xcrt.h: xcrt_fopen)"),
    ("tmpfile tmpnam _tempnam _mktemp", "tmpfile_s / tmpnam_s"),
    ("getenv _wgetenv", "getenv_s / _dupenv_s (examples/xcrt.h: xcrt_getenv)"),
    ("strerror _strerror _wcserror", "xsock_strerror, or strerror_s"),
    ("strcpy strncpy strcat strncat wcscpy wcsncpy wcscat wcsncat", "memcpy with a length check, or snprintf"),
    ("strtok wcstok", "strtok_s"),
    ("asctime ctime gmtime localtime _ctime32 _ctime64 _gmtime32 _gmtime64 _localtime32 _localtime64",
     "the *_s versions"),
    ("mbstowcs wcstombs mbsrtowcs wcsrtombs wcrtomb wctomb", "the *_s versions"),
    ("_itoa _ltoa _ultoa _i64toa _ui64toa _ecvt _fcvt _gcvt _strlwr _strupr _splitpath _makepath",
     "snprintf or the *_s versions"),
    ("_sopen _strdate _strtime _cgets _searchenv", "the *_s versions"),
    # C4996, "The POSIX name for this item is deprecated".
    ("open close read write lseek creat unlink access chmod umask dup dup2 fileno fdopen isatty "
     "strdup getcwd chdir mkdir rmdir putenv stricmp strnicmp strlwr strupr itoa ltoa swab mktemp "
     "tempnam ecvt fcvt gcvt setmode getpid sopen kbhit getch memccpy tzset lfind lsearch",
     "the _name, or code only for POSIX (#ifndef _WIN32)"),
    # winsock2.h, _WINSOCK_DEPRECATED_BY.
    ("inet_addr inet_ntoa gethostbyname gethostbyaddr WSASocketA WSAStringToAddressA "
     "WSAAddressToStringA WSADuplicateSocketA WSAAsyncSelect",
     "inet_pton / inet_ntop / getaddrinfo / the W version"),
    ("GetVersionEx GetVersionExA GetVersionExW", "RtlGetVersion or the version helpers"),
]:
    for n in names.split():
        DEPRECATED[n] = use

SILENCERS = re.compile(r"_CRT_SECURE_NO_WARNINGS|_CRT_SECURE_NO_DEPRECATE|_CRT_NONSTDC_NO_WARNINGS|"
                       r"_CRT_NONSTDC_NO_DEPRECATE|_WINSOCK_DEPRECATED_NO_WARNINGS|"
                       r"warning\s*\(\s*disable\s*:[^)]*\b4996\b")

# What MSVC on Windows defines, and what it does not.
DEFINED = {"_WIN32", "_MSC_VER", "WIN32"}
UNDEFINED = {"__linux__", "__linux", "__APPLE__", "__MACH__", "__FreeBSD__", "__NetBSD__",
             "__OpenBSD__", "__DragonFly__", "__unix__", "__unix", "__sun", "_AIX", "__CYGWIN__",
             "__GNUC__", "__clang__", "__MINGW32__", "__MINGW64__", "__EMSCRIPTEN__", "__HAIKU__",
             "XSOCK_FUZZ_LIBFUZZER"}

T, F, U = True, False, None  # three-valued: true, false, unknown


def t_not(a):
    return U if a is U else (not a)


def t_and(a, b):
    if a is F or b is F:
        return F
    return T if (a is T and b is T) else U


def t_or(a, b):
    if a is T or b is T:
        return T
    return F if (a is F and b is F) else U


TOKEN = re.compile(r"\s*(defined|[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|&&|\|\||==|!=|<=|>=|"
                   r"<<|>>|[()!<>+\-*/%&|^~?:,])")


def evaluate(expr):
    """Value of an #if expression as MSVC sees it: T, F or U (unknown)."""
    toks, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            return U
        toks.append(m.group(1))
        pos = m.end()
    i = [0]

    def peek():
        return toks[i[0]] if i[0] < len(toks) else None

    def take():
        i[0] += 1
        return toks[i[0] - 1]

    def atom():
        t = peek()
        if t is None:
            return U
        if t == "!":
            take()
            return t_not(atom())
        if t == "(":
            take()
            v = or_expr()
            if peek() == ")":
                take()
            return v
        take()
        if t == "defined":
            paren = peek() == "("
            if paren:
                take()
            name = take() if peek() else ""
            if paren and peek() == ")":
                take()
            return T if name in DEFINED else F if name in UNDEFINED else U
        if re.match(r"\d", t):
            return T if int(re.sub(r"[uUlL]+$", "", t), 0) != 0 else F
        return T if t in DEFINED else F if t in UNDEFINED else U

    def operand():
        v = atom()
        # Any arithmetic or comparison: the value is beyond this evaluator.
        while peek() not in (None, "&&", "||", ")"):
            take()
            v = U
        return v

    def and_expr():
        v = operand()
        while peek() == "&&":
            take()
            v = t_and(v, operand())
        return v

    def or_expr():
        v = and_expr()
        while peek() == "||":
            take()
            v = t_or(v, and_expr())
        return v

    v = or_expr()
    return v if i[0] == len(toks) else U


def strip_comments_and_literals(text):
    """The text with comments, strings and characters blanked, newlines kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


CALL = re.compile(r"(?<![\w.>$])([A-Za-z_]\w*)\s*\(")
DIRECTIVE = re.compile(r"^\s*#\s*(\w+)\s*(.*)$")


def scan_file(path, shown):
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read()
    raw_lines = raw.split("\n")
    lines = strip_comments_and_literals(raw).split("\n")
    problems = []
    # Stack of [value of the current branch, whether an earlier branch was taken].
    stack = []
    k = 0
    while k < len(lines):
        line, first = lines[k], k
        while line.endswith("\\") and k + 1 < len(lines):  # continued line
            k += 1
            line = line[:-1] + " " + lines[k]
        k += 1
        active = all(v is not F for v, _ in stack)
        d = DIRECTIVE.match(line)
        if d:
            kind, rest = d.group(1), d.group(2)
            if kind in ("if", "ifdef", "ifndef"):
                if kind == "if":
                    v = evaluate(rest)
                else:
                    name = rest.split()[0] if rest.split() else ""
                    v = T if name in DEFINED else F if name in UNDEFINED else U
                    if kind == "ifndef":
                        v = t_not(v)
                stack.append([v, v])
            elif kind == "elif" and stack:
                v = t_and(t_not(stack[-1][1]), evaluate(rest))
                stack[-1] = [v, t_or(stack[-1][1], v)]
            elif kind == "else" and stack:
                v = t_not(stack[-1][1])
                stack[-1] = [v, T]
            elif kind == "endif" and stack:
                stack.pop()
            elif kind in ("define", "pragma") and active and SILENCERS.search(raw_lines[first]):
                problems.append((first + 1, "C4996 silenced instead of fixed"))
            if kind != "define" or not active:
                continue
            # A macro body is code too (bench/raw.h maps names onto calls).
            line = re.sub(r"^\s*#\s*define\s+\w+(\([^)]*\))?", "", line)
        if not active:
            continue
        for m in CALL.finditer(line):
            name = m.group(1)
            if name in DEPRECATED:
                problems.append((first + 1, "%s() is deprecated by MSVC (C4996): use %s"
                                 % (name, DEPRECATED[name])))
    for lineno, msg in problems:
        print("%s:%d: %s" % (shown(path), lineno, msg))
    return len(problems)


def windows_sources(root):
    """Every C source and header that a Windows build of the tree compiles."""
    for top in ("include", "src", "tests", "examples", "bench"):
        for d, subdirs, files in os.walk(os.path.join(root, top)):
            subdirs[:] = sorted(s for s in subdirs
                                if os.path.relpath(os.path.join(d, s), root) != os.path.join("src", "posix")
                                and s != "corpus")
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


def self_test():
    planted = {
        "caught.c": ("#include <stdio.h>\n"
                     "void f(char *b) { sprintf(b, \"%d\", 1); }\n"                      # 2
                     "#ifdef _WIN32\nvoid g(void) { (void)getenv (\"X\"); }\n#endif\n"    # 4
                     "#if defined(_WIN32) && SOMETHING > 2\nint h(void) { return sscanf(\"1\", \"%d\", 0); }\n"  # 7
                     "#endif\n"
                     "#ifndef _WIN32\nint p;\n#else\nvoid q(void) { (void)fopen(\"a\", \"r\"); }\n#endif\n"  # 12
                     "#define _CRT_SECURE_NO_WARNINGS\n"                                  # 14
                     "#define SAY(b) sprintf(b, \"x\")\n"),                               # 15
        "clean.c": ("/* sprintf(b, \"x\") in a comment */\n"
                    "static const char *s = \"fopen(\\\"x\\\")\";\n"
                    "#ifndef _WIN32\nvoid f(char *b) { sprintf(b, \"%d\", 1); close(3); }\n#endif\n"
                    "#if defined(__linux__) || defined(__APPLE__)\nchar *g(void) { return getenv(\"X\"); }\n"
                    "#elif defined(_WIN32)\nint ok;\n#else\nint h(void) { return sscanf(\"1\", \"%d\", 0); }\n"
                    "#endif\n"
                    "struct t { int (*close)(int); } real;\nint k(void) { return real.close(1) + (&real)->close(2); }\n"
                    "int xsock_strerror(int);\nint m(void) { return xsock_strerror(1); }\n"
                    "#ifdef __GNUC__\nvoid n(void) { strcpy(0, 0); }\n#endif\n"),
    }
    want = {("caught.c", n) for n in (2, 4, 7, 12, 14, 15)}
    with tempfile.TemporaryDirectory() as d:
        for name, text in planted.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            for name in sorted(planted):
                scan_file(os.path.join(d, name), lambda p: os.path.basename(p))
    got = set()
    for line in buf.getvalue().splitlines():
        f, n = line.split(":")[:2]
        got.add((f, int(n)))
    print(buf.getvalue(), end="")
    if got != want:
        print("self-test FAILED: expected %s, got %s" % (sorted(want), sorted(got)))
        return 1
    print("self-test passed: %d planted calls found, nothing reported in clean code" % len(want))
    return 0


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--self-test":
            return self_test()
        if a == "--root":
            root = os.path.abspath(args.pop(0))
        else:
            files.append(a)
    files = files or list(windows_sources(root))
    bad = sum(scan_file(p, lambda p: os.path.relpath(p, root)) for p in files)
    if bad:
        print("%d call(s) that MSVC /W4 /WX rejects (C4996) in %d file(s) scanned" % (bad, len(files)))
        return 1
    print("no C4996 calls in %d files that Windows builds compile" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
