#!/usr/bin/env python3
"""check_architecture.py ROOT: the one-way doors of the source tree, as a test.

Reads every #include of core/, ui/ and app/ and checks, at module level (a .h and its .cpp are
one module):
  - no include cycle between modules;
  - core includes no Qt, ui/ or app/; ui includes no app/;
  - core's folders only include folders at their own layer or below (LAYERS).
Prints one line per problem and a summary; exits 1 if there is any. Run by CTest
(arch_include_graph) so that no cycle comes back."""
import os
import re
import sys
from collections import defaultdict

# core/<folder>: its layer. A folder may include its own layer and the ones below, never above.
LAYERS = {
    "base": 0,
    "tensor": 1,
    "ops": 2,
    "graph": 3,
    "eval": 4, "layout": 4,
    "onnx": 5, "project": 5,
    "blocks": 6,
}
INCLUDE = re.compile(r'^\s*#\s*include\s*["<]([^">]+)[">]')


def sources(root):
    for top in ("core", "ui", "app"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if name.endswith((".h", ".hpp", ".cpp", ".cc")):
                    yield os.path.relpath(os.path.join(folder, name), root)


def module(path):
    return os.path.splitext(path)[0]


def core_folder(path):
    parts = path.split("/")
    return parts[1] if parts[0] == "core" and len(parts) > 2 else None


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative; components with more than one node."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on_stack.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    result.append(sorted(comp))
    return result


def main(root):
    files = sorted(sources(root))
    known = {module(f) for f in files}
    edges = defaultdict(set)
    problems = []
    for f in files:
        m = module(f)
        with open(os.path.join(root, f), errors="replace") as text:
            for line in text:
                x = INCLUDE.match(line)
                if not x:
                    continue
                target = x.group(1)
                if f.startswith("core/") and (target.startswith(("Q", "qt", "ui/", "app/"))):
                    problems.append(f"forbidden: {f} includes {target}")
                if f.startswith("ui/") and target.startswith("app/"):
                    problems.append(f"forbidden: {f} includes {target}")
                tm = module(target)
                if tm in known and tm != m:
                    edges[m].add(tm)
                    a, b = core_folder(f), core_folder(target)
                    if a in LAYERS and b in LAYERS and LAYERS[b] > LAYERS[a]:
                        problems.append(f"layering: {f} (core/{a}, layer {LAYERS[a]}) includes "
                                        f"{target} (core/{b}, layer {LAYERS[b]})")
                    elif (a or b) and (a not in LAYERS or b not in LAYERS) and f.startswith("core/") \
                            and target.startswith("core/"):
                        problems.append(f"layering: core folder of {f} or {target} has no layer in LAYERS")
    cycles = strongly_connected({module(f) for f in files}, edges)
    for c in cycles:
        problems.append(f"cycle of {len(c)} modules: {' '.join(c)}")
    for p in problems:
        print(p)
    print(f"modules {len(known)}, in dependency cycles {sum(len(c) for c in cycles)}, "
          f"problems {len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
