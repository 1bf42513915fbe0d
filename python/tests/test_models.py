"""Plugins, datasets and models from Python: discovery, shapes, zero-copy boundaries, round trips."""
import copy
import os
import pickle

import numpy as np
import pytest

import stabledyn as sd
from conftest import LYAPUNOV_HYPER, bit_equal, io_sequences, pendulum_pairs


def test_plugins_are_found_without_configuration():
    assert "STABLEDYN_PLUGIN_PATH" not in os.environ
    ids = {p["id"] for p in sd.plugins()}
    assert {"stable-opinf", "lyapunov-net", "ren", "vae-latent"} <= ids
    assert sd.plugin_failures() == []
    opinf = next(p for p in sd.plugins() if p["id"] == "stable-opinf")
    assert "train" in opinf["capabilities"]
    assert any(h["key"] == "pod_rank" for h in opinf["hyperparameters"]["params"])
    # The module found them beside itself: <build>/python/../plugins is on the path and holds the files.
    module_dir = os.path.dirname(os.path.realpath(sd.__file__))
    beside = os.path.realpath(os.path.join(module_dir, "..", "plugins"))
    assert beside in [os.path.realpath(p) for p in sd.plugin_path()]
    assert os.path.dirname(os.path.realpath(opinf["file"])) == beside


def test_dataset_from_arrays_views_and_validation():
    t = np.linspace(0.0, 1.0, 11)
    x = np.column_stack([np.sin(t), np.cos(t)])
    u = np.cos(3 * t)
    ds = sd.Dataset.from_arrays(t, x, u=u, names={"states": ["a", "b"], "inputs": ["force"]}, name="mine")
    assert (ds.name, ds.state_names, ds.input_names, ds.output_names) == ("mine", ["a", "b"], ["force"], [])
    assert ds.dt == pytest.approx(0.1)
    assert len(ds) == 1 and len(ds.sha256) == 64
    tr = ds[0]
    assert tr.x.shape == (11, 2) and tr.u.shape == (11, 1) and tr.y.shape == (11, 0)
    assert bit_equal(tr.x, x) and bit_equal(tr.t, t) and bit_equal(tr.u[:, 0], u)
    assert not tr.x.flags.writeable                       # the dataset is immutable
    assert ds[-1].id == tr.id
    with pytest.raises(IndexError):
        ds[1]
    # The same numbers hash the same; different numbers do not.
    assert sd.Dataset.from_arrays(t, x.copy(), u=u, names={"states": ["a", "b"], "inputs": ["force"]}).sha256 == ds.sha256
    assert sd.Dataset.from_arrays(t, x + 1e-12, u=u, names={"states": ["a", "b"], "inputs": ["force"]}).sha256 != ds.sha256
    # A view outlives the dataset object that made it.
    view = sd.Dataset.from_arrays(t, x)[0].x
    assert bit_equal(view, x)


def test_dataset_save_and_reopen_is_exact(tmp_path):
    ds = io_sequences()
    path = tmp_path / "io.json"
    ds.save(path)
    back = sd.open_dataset(str(path))
    assert len(back) == 2 and back.splits == {"train": [0], "validation": [1]}
    for i in range(2):
        assert bit_equal(back[i].u, ds[i].u) and bit_equal(back[i].y, ds[i].y) and bit_equal(back[i].t, ds[i].t)


def test_registry_and_generators():
    names = {d["name"]: d for d in sd.datasets()}
    assert names["demo-pendulum"]["available"]
    demo = sd.open_dataset("demo-pendulum")
    assert demo.state_names and set(demo.splits) >= {"train", "test"}
    gen = sd.generate("pendulum", seed=1, links=1, mode="trajectories", train_trajectories=2, test_trajectories=1, t_end=1)
    assert len(gen) == 3 and gen[0].x.shape[1] == 2
    again = sd.generate("pendulum", seed=1, links=1, mode="trajectories", train_trajectories=2, test_trajectories=1, t_end=1)
    assert gen.sha256 == again.sha256


def test_field_shapes_and_zero_copy_output(burgers):
    m = sd.load_model(str(burgers["model"]))
    assert (m.plugin, m.variant, m.state_dim, m.input_dim) == ("stable-opinf", "least-squares", 60, 1)
    assert m.is_continuous and not m.has_lyapunov
    X = np.random.default_rng(0).standard_normal((5, 60))
    U = np.linspace(-1, 1, 5).reshape(5, 1)
    F = m.field(X, U)
    assert F.shape == (5, 60) and F.dtype == np.float64 and F.flags.c_contiguous and F.flags.owndata is False
    # One sample per row: row b of the batch is the single-sample call (to rounding: batched products may
    # take other kernels than matrix-vector ones).
    for b in range(5):
        assert np.allclose(m.field(X[b], U[b]), F[b], rtol=1e-12, atol=1e-12)
    # (nu,) input is used for every row; None means zero input.
    assert bit_equal(m.field(X, np.array([0.5])), m.field(X, np.full((5, 1), 0.5)))
    assert bit_equal(m.field(X), m.field(X, np.zeros((5, 1))))
    # Non-contiguous, Fortran-ordered, float32 and list inputs give the same numbers (numpy converts once).
    Xf = np.asfortranarray(X)
    assert bit_equal(m.field(Xf, U), F)
    assert bit_equal(m.field(np.ascontiguousarray(np.hstack([X, X])[:, :60]), U), F)
    assert bit_equal(m.field(X.tolist(), U.tolist()), F)
    assert m.field(X.astype(np.float32), U).shape == (5, 60)


def test_lyapunov_shapes_on_untrained_model():
    ds = pendulum_pairs()
    m = sd.create_model("lyapunov-net", ds, LYAPUNOV_HYPER)
    assert m.has_lyapunov and m.training is None
    X = np.random.default_rng(1).uniform(-2, 2, size=(50, 2))
    V = m.lyapunov(X)
    assert V.shape == (50,) and np.all(V > 0)
    assert m.lyapunov(np.zeros(2)) == 0.0            # V(0) = 0 by construction
    assert isinstance(m.lyapunov(X[0]), float) and m.lyapunov(X[0]) == V[0]
    G = m.lyapunov_gradient(X)
    assert G.shape == (50, 2)
    # The projected field decreases V for every (untrained, random) parameter value: ∇V·f ≤ −αV.
    F = m.field(X)
    alpha = m.hyperparameters["alpha"]
    assert np.all(np.sum(G * F, axis=1) <= -alpha * V + 1e-9)


def test_json_save_load_copy_pickle_round_trips_are_bit_exact(burgers, tmp_path):
    m = sd.load_model(str(burgers["model"]))
    X = np.random.default_rng(2).standard_normal((7, 60))
    F = m.field(X, np.ones((7, 1)))
    t = np.linspace(0, 2, 101)
    x0 = np.random.default_rng(3).standard_normal(60) * 0.1
    S = m.simulate(x0, t, u=np.array([0.3])).x
    doc = m.to_dict()
    for other in (sd.model_from_json(m.to_json()), sd.model_from_json(doc), m.copy(), copy.deepcopy(m),
                  pickle.loads(pickle.dumps(m))):
        assert other.to_dict() == doc
        assert bit_equal(other.field(X, np.ones((7, 1))), F)
        assert bit_equal(other.simulate(x0, t, u=np.array([0.3])).x, S)
    path = tmp_path / "again.json"
    m.save(str(path))
    again = sd.load_model(str(path))
    assert again.to_dict() == doc
    assert bit_equal(again.field(X, np.ones((7, 1))), F)
    assert m.training["status"] == "completed" and m.training["seed"] == 5


def test_simulate_and_predict(burgers):
    m = sd.load_model(str(burgers["model"]))
    data = sd.open_dataset(str(burgers["data"]))
    test = data.split("test")
    sim = m.predict(data, trajectory=1, split="test")
    tr = test[1]
    assert sim.x.shape == tr.x.shape and bit_equal(sim.t, tr.t) and not sim.diverged and sim.divergence_time is None
    # predict() is simulate() from the trajectory's first state under its inputs.
    assert bit_equal(m.simulate(tr.x[0], tr.t, u=tr.u).x, sim.x)
    rel = np.linalg.norm(sim.x - tr.x) / np.linalg.norm(tr.x)
    assert 0 < rel < 0.5          # a rough 60-node, rank-6 fit; what matters here is that it tracks the data
    report = m.evaluate(data)
    assert report["split"] == "test" and len(report["trajectories"]) == 2
    assert report["mean_relative_error"] == pytest.approx(
        np.mean([np.linalg.norm(m.predict(data, i, "test").x - test[i].x) / np.linalg.norm(test[i].x) for i in range(2)]),
        rel=1e-12)


def test_simulation_divergence_is_flagged_not_raised():
    # A least-squares fit to an unstable linear system (ẋ = x) diverges; the guard stops it at |x| > 1e6.
    t = np.linspace(0, 2, 201)
    ds = sd.Dataset.from_arrays([t, t], [np.exp(t), 2 * np.exp(t)], names=["x"])
    m = sd.train("stable-opinf", ds, {"operators": "A"})
    sim = m.simulate(np.array([1.0]), np.linspace(0, 30, 301))
    assert sim.diverged and 13 < sim.divergence_time < 15
    assert np.isnan(sim.x[-1, 0])


def test_discrete_time_model_simulates_over_inputs():
    ds = io_sequences()
    m = sd.train("ren", ds, {"nx": 4, "nv": 8, "epochs": 2, "seq_len": 50}, seed=1)
    assert not m.is_continuous
    u = ds[1].u
    x0 = None if m.state_dim == 0 else np.zeros(m.state_dim)   # a REN starts from its own initial state
    sim = m.simulate(x0, ds[1].t, u=u)
    assert sim.y.shape == (200, 1) and np.all(np.isfinite(sim.y))
    with pytest.raises(sd.StableDynError, match="discrete-time"):
        m.field(np.zeros((1, m.state_dim)))
