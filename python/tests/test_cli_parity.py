"""The module and the CLI give bit-identical results for the same model and inputs.

Compared through files the CLI writes exactly (NPZ arrays, CSV with 17 significant digits, JSON in
nlohmann's shortest round-trip form): field (and V, ∇V), simulate (from x0 and on a dataset trajectory),
certificate, evaluation, and training itself (the same data, hyperparameters and seed give the same model).
"""
import json

import numpy as np
import pytest

import stabledyn as sd
from conftest import LYAPUNOV_HYPER, OPINF_HYPER, REN_HYPER, as_cli_json, bit_equal, cli, io_sequences, pendulum_pairs


def cli_field(model_path, X, tmp_path, U=None, lyapunov=False):
    points, out = tmp_path / "points.npz", tmp_path / "field.npz"
    arrays = {"X": X} if U is None else {"X": X, "U": U}
    np.savez(points, **arrays)
    args = ["field", "--model", model_path, "--points", points, "--out", out]
    if lyapunov:
        args.append("--lyapunov")
    cli(*args)
    return dict(np.load(out))


def test_field_matches_cli(burgers, tmp_path):
    m = sd.load_model(str(burgers["model"]))
    rng = np.random.default_rng(11)
    X = rng.standard_normal((300, 60)) * 0.3
    U = rng.standard_normal((300, 1))
    ref = cli_field(burgers["model"], X, tmp_path, U)
    assert bit_equal(m.field(X, U), ref["F"])
    # Without U both use zero input.
    assert bit_equal(m.field(X), cli_field(burgers["model"], X, tmp_path)["F"])


def test_lyapunov_field_and_v_match_cli(lyapunov_cli_model, tmp_path):
    m = sd.load_model(str(lyapunov_cli_model["model"]))
    X = np.random.default_rng(12).uniform(-2, 2, size=(500, 2))
    ref = cli_field(lyapunov_cli_model["model"], X, tmp_path, lyapunov=True)
    assert bit_equal(m.field(X), ref["F"])
    assert bit_equal(m.lyapunov(X), ref["V"][:, 0])
    assert bit_equal(m.lyapunov_gradient(X), ref["dV"])


def test_simulate_from_x0_matches_cli(lyapunov_cli_model, burgers, tmp_path):
    # lyapunov-net (autonomous, Dopri5)
    m = sd.load_model(str(lyapunov_cli_model["model"]))
    _, out, _ = cli("simulate", "--model", lyapunov_cli_model["model"], "--x0", "1.5,-0.75", "--t-end", "4",
                    "--samples", "201", "--out", tmp_path / "sim.csv")
    sim = m.simulate(np.array([1.5, -0.75]), np.linspace(0.0, 4.0, 201))
    assert bit_equal(sim.t, np.array(out["t"]))
    assert bit_equal(sim.x, np.array(out["x"]).T)
    csv = np.loadtxt(tmp_path / "sim.csv", delimiter=",", skiprows=1)
    assert bit_equal(sim.x, csv[:, 1:])
    # How the run ended is reported the same way: diverged / stalled / rest_time (None when not at rest).
    assert (sim.diverged, sim.stalled) == (out["diverged"], out["stalled"])
    assert sim.rest_time == out["rest_time"] and sim.stall_time == out["stall_time"]
    # stable-opinf with a constant input
    m = sd.load_model(str(burgers["model"]))
    x0 = np.full(60, 0.05)
    _, out, _ = cli("simulate", "--model", burgers["model"], "--x0", ",".join(repr(v) for v in x0), "--t-end", "3",
                    "--samples", "151", "--input", "0.4")
    sim = m.simulate(x0, np.linspace(0.0, 3.0, 151), u=np.array([0.4]))
    assert bit_equal(sim.x, np.array(out["x"]).T)
    assert sim.diverged == out["diverged"]


def test_predict_on_dataset_matches_cli(burgers):
    m = sd.load_model(str(burgers["model"]))
    for split, i in (("test", 0), ("test", 1), ("train", 2)):
        _, out, _ = cli("simulate", "--model", burgers["model"], "--data", burgers["data"], "--split", split,
                        "--trajectory", i)
        sim = m.predict(str(burgers["data"]), trajectory=i, split=split)
        assert sim.trajectory == out["trajectory"]
        assert bit_equal(sim.x, np.array(out["x"]).T)


def test_certificate_and_evaluation_match_cli(burgers, lyapunov_cli_model):
    for paths in (burgers, lyapunov_cli_model):
        m = sd.load_model(str(paths["model"]))
        _, out, _ = cli("certify", "--model", paths["model"])
        # The CLI prints JSON (non-finite numbers as null); compare through the same encoding.
        assert as_cli_json(m.certificate()) == out["certificate"]
        assert m.certificate()["guarantee"]
    m = sd.load_model(str(burgers["model"]))
    _, out, _ = cli("eval", "--model", burgers["model"], "--data", burgers["data"])
    mine = m.evaluate(str(burgers["data"]))
    for key in ("split", "mean_relative_error", "diverged_count"):
        assert mine[key] == out[key]
    assert [t["relative_error"] for t in mine["trajectories"]] == [t["relative_error"] for t in out["trajectories"]]


def burgers_from_arrays(path):
    """The CLI's Burgers file rebuilt from numpy arrays (several trajectories, splits, names, dt)."""
    ds = sd.open_dataset(str(path))
    trs = [ds[i] for i in range(len(ds))]
    return sd.Dataset.from_arrays([tr.t for tr in trs], [np.array(tr.x) for tr in trs], u=[tr.u for tr in trs],
                                  names={"states": ds.state_names, "inputs": ds.input_names}, splits=ds.splits,
                                  dt=ds.dt, name=ds.name)


@pytest.mark.parametrize("plugin, hyper, seed", [
    ("lyapunov-net", LYAPUNOV_HYPER, 7),
    ("ren", REN_HYPER, 3),
    ("stable-opinf", dict(OPINF_HYPER, variant="stable", epochs=50), 2),
])
def test_training_from_arrays_matches_cli_training(plugin, hyper, seed, tmp_path, burgers):
    """Python trains on in-memory arrays, the CLI on the same numbers in a file: the same model, bit for bit."""
    ds = {"lyapunov-net": pendulum_pairs, "ren": io_sequences, "stable-opinf": lambda: burgers_from_arrays(burgers["data"])}[plugin]()
    data_path = tmp_path / "data.json"
    ds.save(data_path)
    model_path = tmp_path / "cli-model.json"
    args = ["train", "--plugin", plugin, "--data", data_path, "--seed", seed, "--out", model_path, "--quiet"]
    for k, v in hyper.items():
        args += ["--set", "%s=%s" % (k, json.dumps(v))]
    cli(*args)
    theirs = json.loads(model_path.read_text())
    mine = sd.train(plugin, ds, hyper, seed=seed).to_dict()
    assert mine["parameters"] == theirs["parameters"]            # every tensor, every bit
    assert mine["hyperparameters"] == theirs["hyperparameters"]
    assert as_cli_json(mine["certificate"]) == theirs["certificate"]
    for key in ("seed", "epochs_run", "status", "final_train_loss", "final_validation_loss"):
        assert as_cli_json(mine["training"][key]) == theirs["training"][key]


def test_cli_field_refuses_bad_points(burgers, tmp_path):
    np.savez(tmp_path / "narrow.npz", X=np.zeros((3, 5)))
    code, _, err = cli("field", "--model", burgers["model"], "--points", tmp_path / "narrow.npz", expect_ok=False)
    assert code == 1 and "narrow.npz: X" in err and "expected 60 columns" in err
    np.savez(tmp_path / "nox.npz", Y=np.zeros((3, 60)))
    code, _, err = cli("field", "--model", burgers["model"], "--points", tmp_path / "nox.npz", expect_ok=False)
    assert code == 1 and 'missing array "X"' in err
    np.savez(tmp_path / "badu.npz", X=np.zeros((3, 60)), U=np.zeros((2, 1)))
    code, _, err = cli("field", "--model", burgers["model"], "--points", tmp_path / "badu.npz", expect_ok=False)
    assert code == 1 and "badu.npz: U" in err
    # Without --out the rows come as JSON (one list per state channel, like simulate's "x").
    np.savez(tmp_path / "two.npz", X=np.full((2, 60), 0.1))
    _, out, _ = cli("field", "--model", burgers["model"], "--points", tmp_path / "two.npz")
    F = sd.load_model(str(burgers["model"])).field(np.full((2, 60), 0.1))
    assert bit_equal(np.array(out["F"]).T, F)
