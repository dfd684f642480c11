"""Tables of yolk against Linux for the benchmarks (bench/lib.sh's logs)."""
import math
import re
import statistics
import sys


def read_log(path, pattern, done="total"):
    """{name: value} from each match of pattern (groups: name, value) in a guest's log."""
    text = open(path, errors="replace").read().replace("\r", "")
    res = {m.group(1): float(m.group(2)) for m in re.finditer(pattern, text, re.M)}
    if done not in text or not res:
        sys.exit(f"{path}: no results:\n{text[-2000:]}")
    return res


def medians(build, name, who, runs, pattern):
    """The median of each result over the rounds' logs bench-NAME-WHO.R.log."""
    logs = [read_log(f"{build}/bench-{name}-{who}.{r}.log", pattern) for r in range(1, runs + 1)]
    return {k: statistics.median(log[k] for log in logs if k in log) for k in logs[0]}


def print_ratios(yolk, linux, width, fmt, floor=0.0):
    """One row per result, linux/yolk (> 1: yolk is faster), then their geometric mean."""
    print(f"{'test':{width}} {'yolk':>10} {'linux':>10} {'linux/yolk':>11}")
    ratios = []
    for key in yolk:
        if key in linux:
            ratios.append(linux[key] / max(yolk[key], floor) if floor else linux[key] / yolk[key])
            print(f"{key:{width}} {yolk[key]:10{fmt}} {linux[key]:10{fmt}} {ratios[-1]:10.2f}x")
    mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"{'geometric mean':{width}} {'':10} {'':10} {mean:10.2f}x")
