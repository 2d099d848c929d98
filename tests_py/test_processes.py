"""processes.py: small tasks travel in batches, large ones alone and first; the results
come back in task order whatever the number of processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studentflow import processes


def _square_minus(task: tuple[int, int]) -> int:
    value, offset = task
    return value * value - offset


def test_batches_keep_large_tasks_alone_and_first():
    sizes = [5, 3000, 700, 1, 2500, 900, 900, 1]
    planned = processes.batches(sizes, batch_cells=2000)
    assert planned[0] == [1] and planned[1] == [4]  # 3000 and 2500 cells: alone, largest first
    assert sorted(i for batch in planned for i in batch) == list(range(len(sizes)))
    # every batch but the last reaches the limit, and none holds more than it needs
    for batch in planned[:-1]:
        cells = [sizes[i] for i in batch]
        assert sum(cells) >= 2000 and sum(cells) - cells[-1] < 2000


def test_map_tasks_returns_results_in_task_order():
    tasks = [(value, value % 3) for value in range(50)]
    sizes = [(value * 37) % 1000 for value in range(50)]  # order unrelated to the tasks'
    expected = [_square_minus(task) for task in tasks]
    assert processes.map_tasks(_square_minus, tasks, sizes, workers=2) == expected
    assert processes.map_tasks(_square_minus, tasks, sizes, workers=1) == expected


def test_a_pool_takes_several_submissions_and_gives_each_its_own_results():
    first = [(value, 1) for value in range(30)]
    second = [(value, 2) for value in range(7)]
    for workers in (1, 2):
        with processes.TaskPool(workers) as pool:
            collect_first = pool.submit(_square_minus, first, [v for v, _ in first])
            collect_second = pool.submit(_square_minus, second, [1] * len(second))
            # collected in the other order than submitted
            assert collect_second() == [v * v - 2 for v, _ in second]
            assert collect_first() == [v * v - 1 for v, _ in first]


# a parent that starts two workers on tasks of a minute each, then waits for them
_PARENT = """
import time
from studentflow.processes import TaskPool
with TaskPool(2) as pool:
    collect = pool.submit(time.sleep, [60, 60], [5000, 5000])
    print("submitted", flush=True)
    collect()
"""


def _workers_of(parent: int) -> list[int]:
    """The pool's worker processes of ``parent`` (Linux /proc), not its resource tracker."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running: a zombie waiting for a reaper that never comes has ended."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")
def test_workers_end_when_their_parent_is_killed():
    """A dbt killed by PID alone (a CI timeout, `kill`) leaves no engine worker
    solving on: each notices its parent is gone within a second or two."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "submitted"
        deadline = time.monotonic() + 30
        while len(workers := _workers_of(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, workers
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # never leave them running after the test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"
