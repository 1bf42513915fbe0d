"""docs/python.md's worked example runs as written, and what it says about the CLI holds."""
import contextlib
import io
import json
import os
import re

import numpy as np

import stabledyn as sd
from conftest import bit_equal, cli

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "python.md")


def worked_example_code():
    text = open(DOC, encoding="utf-8").read()
    section = re.split(r"\n##+ ", text.split("## Worked example", 1)[1], maxsplit=1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 4
    return "\n".join(blocks)


def test_worked_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    scope = {}
    with contextlib.redirect_stdout(out):
        exec(compile(worked_example_code(), "docs/python.md", "exec"), scope)
    printed = out.getvalue()
    assert "V̇ ≤ −αV on the whole grid: True" in printed
    assert "verified: True" in printed
    assert "exponential-stability True True" in printed
    error = float(re.search(r"relative field error on the grid: ([0-9.]+)", printed).group(1))
    assert error < 0.1
    # "stabledyn certify / simulate print the same certificate / trajectory, bit for bit"
    model = scope["model"]
    _, cert, _ = cli("certify", "--model", tmp_path / "pendulum-model.json")
    assert json.loads(json.dumps(model.certificate())) == cert["certificate"]
    _, sim, _ = cli("simulate", "--model", tmp_path / "pendulum-model.json", "--x0", "2.5,0", "--t-end", "10",
                    "--samples", "501")
    assert bit_equal(scope["sim"].x, np.array(sim["x"]).T)
    assert bit_equal(scope["sim"].t, np.array(sim["t"]))
