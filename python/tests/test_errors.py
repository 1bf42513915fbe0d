"""Bad input becomes a Python exception carrying the core's message; nothing is half-written."""
import json

import numpy as np
import pytest

import stabledyn as sd
from conftest import LYAPUNOV_HYPER, pendulum_pairs


def test_exception_hierarchy():
    assert issubclass(sd.StableDynError, RuntimeError)
    assert issubclass(sd.InputError, sd.StableDynError) and issubclass(sd.InputError, ValueError)
    assert issubclass(sd.TrainingInterrupted, KeyboardInterrupt)


def test_wrong_array_shapes_and_types(burgers):
    m = sd.load_model(str(burgers["model"]))
    with pytest.raises(sd.InputError, match=r"X: expected shape \(B, 60\).*found shape \(5, 3\)") as info:
        m.field(np.zeros((5, 3)))
    assert info.value.where == "X" and "found shape (5, 3)" in info.value.detail
    with pytest.raises(sd.InputError, match=r"found shape \(60, 5\)"):
        m.field(np.zeros((60, 5)))                    # samples must be rows
    with pytest.raises(sd.InputError, match=r"U: 3 rows of inputs for 5 samples"):
        m.field(np.zeros((5, 60)), np.zeros((3, 1)))
    with pytest.raises(sd.InputError, match="expected an array of numbers, found str"):
        m.field("not numbers")
    with pytest.raises(sd.InputError, match="X"):
        m.field(np.zeros((2, 2, 60)))
    with pytest.raises(sd.InputError, match="x0"):
        m.simulate(None, np.linspace(0, 1, 5))
    with pytest.raises(sd.InputError, match=r"t: expected sample times of shape \(K,\)"):
        m.simulate(np.zeros(60), np.zeros((5, 2)))
    with pytest.raises(sd.StableDynError, match="no Lyapunov function"):
        m.lyapunov(np.zeros((1, 60)))


def test_core_errors_keep_the_core_message(burgers, tmp_path):
    m = sd.load_model(str(burgers["model"]))
    # Times that do not increase: the integrator's own check.
    with pytest.raises(sd.StableDynError) as info:
        m.simulate(np.zeros(60), np.array([0.0, 1.0, 0.5]))
    assert "increas" in str(info.value) and info.value.where
    # Unknown plugin: the message lists what is loaded.
    with pytest.raises(sd.StableDynError, match=r"plugin 'no-such-plugin'.*stable-opinf"):
        sd.train("no-such-plugin", pendulum_pairs())
    # Out-of-range and unknown hyperparameters name the key.
    with pytest.raises(sd.StableDynError, match=r"hyperparameter 'epochs'"):
        sd.train("lyapunov-net", pendulum_pairs(), {"epochs": -1})
    with pytest.raises(sd.StableDynError, match=r"hyperparameter 'no_such_key'"):
        sd.create_model("lyapunov-net", pendulum_pairs(), {"no_such_key": 1})
    with pytest.raises(sd.InputError, match="cannot be stored in JSON"):
        sd.train("lyapunov-net", pendulum_pairs(), {"epochs": object()})
    with pytest.raises(sd.InputError, match="on_epoch: expected a callable"):
        sd.train("lyapunov-net", pendulum_pairs(), LYAPUNOV_HYPER, on_epoch=3)
    # Data that do not fit the model.
    with pytest.raises(sd.StableDynError):
        sd.train("ren", pendulum_pairs(), {"epochs": 1})
    # Unknown dataset name: the message lists the registry.
    with pytest.raises(sd.StableDynError, match="demo-pendulum"):
        sd.open_dataset("no-such-dataset")


def test_bad_model_files(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(sd.StableDynError, match="missing.json"):
        sd.load_model(str(missing))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "stabledyn-model", ')
    with pytest.raises(sd.StableDynError, match="broken.json"):
        sd.load_model(str(broken))
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"format": "stabledyn-model", "schema_version": 3, "plugin": {"id": "stable-opinf"}}))
    with pytest.raises(sd.StableDynError, match=r"schema_version.*unsupported version 3"):
        sd.load_model(str(future))
    with pytest.raises(sd.StableDynError, match="model JSON: byte .*invalid JSON"):
        sd.model_from_json("{nope")
    # A tensor of the wrong shape names the field.
    doc = sd.create_model("lyapunov-net", pendulum_pairs(), LYAPUNOV_HYPER).to_dict()
    name = next(iter(doc["parameters"]))
    doc["parameters"][name]["shape"][0] += 1
    with pytest.raises(sd.StableDynError, match=name.replace(".", r"\.")):
        sd.model_from_json(doc)


def test_bad_arrays_for_datasets():
    t = np.linspace(0, 1, 11)
    x = np.zeros((11, 2))
    bad = x.copy()
    bad[4, 1] = np.nan
    with pytest.raises(sd.StableDynError, match=r"x.*(finite|NaN)"):
        sd.Dataset.from_arrays(t, bad)
    with pytest.raises(sd.StableDynError, match="increasing"):
        sd.Dataset.from_arrays(t[::-1], x)
    with pytest.raises(sd.StableDynError):
        sd.Dataset.from_arrays(t, np.zeros((10, 2)))          # 10 samples for 11 times
    with pytest.raises(sd.InputError, match="give both x and dxdt"):
        sd.Dataset.from_arrays(None, x)
    with pytest.raises(sd.InputError, match="names"):
        sd.Dataset.from_arrays(t, x, names=["only one"])
    with pytest.raises(sd.InputError, match="unknown key 'sates'"):
        sd.Dataset.from_arrays(t, x, names={"sates": ["a", "b"]})
    with pytest.raises(sd.StableDynError, match="split"):
        sd.Dataset.from_arrays(t, x, splits={"train": [3]})
    with pytest.raises(sd.InputError, match="list of 2 arrays"):
        sd.Dataset.from_arrays([t, t], [x])


def test_failed_save_leaves_no_file(tmp_path, burgers):
    m = sd.load_model(str(burgers["model"]))
    target = tmp_path / "no-such-folder" / "model.json"
    with pytest.raises(sd.StableDynError, match="no-such-folder"):
        m.save(str(target))
    assert not target.exists()
