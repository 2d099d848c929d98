"""processes.py: small tasks travel in batches, large ones alone and first; the results
come back in task order whatever the number of processes."""

from __future__ import annotations

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
