#!/usr/bin/env python3
"""Every section citation in the project's code names a document of this repository that has that section.

docs/methods/README.md: code comments cite the project's own documents by section, e.g. `docs/methods/ren.md §4.3`,
never reference notes outside the repository. This check reads every source file under the given directories and
fails (exit 1, one line per problem, file:line) when
  * a `§` cannot be looked up: it is neither part of a citation `docs/<path>.md §N[.M…]` (further sections may
    follow: `docs/methods/ren.md §1.2, §9.1`, `… §2.1–§2.2`, `… §4.2–4.3`), nor a bare `§N` after a document named
    earlier on its line or on the two lines above (a comment wrapped after the file name, "… simulated as §13.1"),
    nor a paper's section (`Manek & Kolter §4.3`, `paper §6.2`). `ren.md §5.1` or a lone `§11.4` is a problem;
  * the cited document does not exist, or has no heading numbered N[.M…] (`## 4.` / `### 4.3 …`);
  * any file, Markdown included, points to the reference notes outside the repository (`../shared/reference/…`).
Usage: check_citations.py <repo root> <dir>…   (exit 0: no problem; 1: problems, listed)
       check_citations.py --self-test          (the rules above on made-up files; exit 0 when they hold)"""
import os
import re
import sys

SOURCE_SUFFIXES = ('.h', '.cpp', '.py', '.txt', '.cmake', '.sh', '.json', '.qml')
OUTSIDE = re.compile(r'shared/reference\b')
NUM = r'\d+(?:\.\d+)*'
CITATION = re.compile(r'(docs/[\w./-]+\.md)((?: ?§' + NUM + r'(?:\s*[–-]\s*§?' + NUM + r')?(?:,| and)?)+)')
SECTION = re.compile(r'§(' + NUM + r')(?:\s*[–-]\s*§?(' + NUM + r'))?')
HEADING = re.compile(r'^#+\s+(' + NUM + r')\.?(?:\s|$)')
DOCUMENT = re.compile(r'docs/[\w./-]+\.md')
PAPER = re.compile(r'(?:Manek & Kolter|[Pp]aper)[^§]{0,30}((?:§' + NUM + r'(?:\s*[–-]\s*§?' + NUM + r')?(?:, ?| and )?)+)')


def sections_of(path, cache={}):
    if path not in cache:
        found = set()
        in_fence = False
        with open(path, encoding='utf-8') as f:
            for line in f:
                if line.startswith('```'):
                    in_fence = not in_fence
                m = HEADING.match(line)
                if m and not in_fence:
                    found.add(m.group(1))
        cache[path] = found
    return cache[path]


def check_sections(root, where, document, text, problems):
    doc = os.path.join(root, document)
    if not os.path.isfile(doc):
        problems.append(f'{where}: cites {document}, which is not in the repository')
        return
    have = sections_of(doc)
    for s in SECTION.finditer(text):
        for number in filter(None, s.groups()):
            if number not in have:
                problems.append(f'{where}: {document} has no section {number}')


def check_line(root, where, line, above, problems):
    """`above`: the two lines before `line` (for a citation wrapped after its document's name)."""
    covered = []
    for m in CITATION.finditer(line):
        covered.append((m.start(2), m.end(2)))
        check_sections(root, where, m.group(1), m.group(2), problems)
    for m in PAPER.finditer(line):
        covered.append((m.start(1), m.end(1)))
    for s in SECTION.finditer(line):
        if any(a <= s.start() < b for a, b in covered):
            continue
        named = DOCUMENT.findall(''.join(above) + line[:s.start()])
        if named:
            check_sections(root, where, named[-1], s.group(0), problems)
        else:
            problems.append(f'{where}: a § that names no document of the repository: {line.strip()[:120]}')


def check_tree(root, dirs):
    """(problems, files read, section marks seen) for the files under root/dir for every dir in dirs."""
    problems, files, citations = [], 0, 0
    for d in dirs:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, d)):
            dirnames[:] = sorted(n for n in dirnames if not n.startswith('.') and n not in ('build', '__pycache__'))
            for name in sorted(filenames):
                markdown = name.endswith('.md')
                if not (markdown or name.endswith(SOURCE_SUFFIXES)):
                    continue
                path = os.path.join(dirpath, name)
                if os.path.abspath(path) == os.path.abspath(__file__):
                    continue
                files += 1
                with open(path, encoding='utf-8', errors='replace') as f:
                    lines = f.readlines()
                for n, line in enumerate(lines):
                    where = f'{os.path.relpath(path, root)}:{n + 1}'
                    if OUTSIDE.search(line):
                        problems.append(f'{where}: points to reference notes outside the repository; cite docs/methods/')
                    if '§' in line and not markdown:   # a document's own "§4.3" refers to itself
                        citations += line.count('§')
                        check_line(root, where, line, lines[max(0, n - 2):n], problems)
    return problems, files, citations


def self_test():
    """The rules on a made-up repository: each case is (source line(s), expected number of problems)."""
    import tempfile
    cases = [
        ('// (docs/methods/m.md §1.2)', 0),
        ('// (docs/methods/m.md §1, §1.2 and §2)', 0),
        ('// docs/methods/m.md §1.2–§2 and docs/methods/m.md §1–2', 0),
        ('// as docs/methods/m.md explains:\n// the loop of §1.2', 0),      # wrapped after the document's name
        ('// Manek & Kolter 2019, §4.3; the paper §6.2', 0),                  # papers are cited by author
        ('// (docs/methods/m.md §3)', 1),                                    # no such section
        ('// (docs/methods/m.md §1.3)', 1),
        ('// (docs/methods/m.md §2.1) — a heading inside a code fence is not a section', 1),
        ('// (docs/methods/nothere.md §1)', 1),                              # no such document
        ('// (m.md §1.2)', 1),                                               # not a path: cannot be looked up
        ('// §11.4: central differences', 1),                                # a bare section of some notes
        ('// one\n// two\n// three\n// docs/methods/m.md\n// x\n// y\n// z §1', 1),   # the name is too far up
        ('# see ../shared/reference/ren.md', 1),
    ]
    failed = 0
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, 'docs', 'methods'))
        with open(os.path.join(root, 'docs', 'methods', 'm.md'), 'w', encoding='utf-8') as f:
            f.write('# M\n## 1. One\n### 1.2 One-two\n## 2. Two\n```\n### 2.1 not a heading\n```\n')
        for i, (text, expected) in enumerate(cases):
            d = os.path.join(root, f'case{i}')
            os.makedirs(d)
            with open(os.path.join(d, 'a.cpp'), 'w', encoding='utf-8') as f:
                f.write(text + '\n')
            problems, files, _ = check_tree(root, [f'case{i}'])
            if len(problems) != expected or files != 1:
                failed += 1
                print(f'self-test case {i} {text!r}: expected {expected} problem(s), got {problems}')
    print(f'self-test: {len(cases)} cases, {failed} failed')
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ['--self-test']:
        return self_test()
    if len(argv) < 3:
        print(__doc__)
        return 2
    problems, files, citations = check_tree(argv[1], argv[2:])
    for p in problems:
        print(p)
    print(f'{files} files, {citations} section marks, {len(problems)} problems')
    return 1 if problems or files == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
