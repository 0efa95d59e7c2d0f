"""CPU time of a whole process tree, for workers that fork per task (simpleflow's do).

    python _process_tree.py COMMAND...   runs COMMAND as a child subreaper

A subreaper adopts the tree's orphans and reaps them, so the CPU of every process the
command ever forked lands in some live ancestor's cutime/cstime: `tree_cpu(pid)` sums
utime + stime + cutime + cstime over the live tree, and the difference of two readings
is the tree's CPU between them, short-lived children included.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and all its descendants, reaped ones too."""
    children: dict[int, list[int]] = {}
    used: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        used[pid] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += used.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total / TICKS


def main() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    child = subprocess.Popen(sys.argv[1:], start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(child.pid, signal.SIGTERM))
    while True:  # reap the command and every orphan it leaves
        try:
            os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue


if __name__ == "__main__":
    main()
