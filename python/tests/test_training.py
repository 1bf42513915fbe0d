"""train(): from arrays, epoch callbacks, cancelling (callback, Ctrl-C, exceptions), the GIL released."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import stabledyn as sd
from conftest import LYAPUNOV_HYPER, bit_equal, pendulum_pairs

LONG = dict(LYAPUNOV_HYPER, epochs=100000)   # would take hours: only ever cancelled


def test_train_from_arrays_reports_epochs_and_is_reproducible():
    ds = pendulum_pairs()
    events = []
    m = sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, seed=3, on_epoch=events.append)
    assert [e["epoch"] for e in events] == [1, 2, 3, 4]
    assert all(e["total_epochs"] == 4 and np.isfinite(e["train_loss"]) and e["validation_loss"] is not None for e in events)
    assert events[-1]["elapsed_seconds"] >= events[0]["elapsed_seconds"] > 0
    rec = m.training
    assert rec["status"] == "completed" and rec["epochs_run"] == 4 and rec["seed"] == 3
    assert rec["dataset"]["sha256"] == ds.sha256 and rec["final_train_loss"] == events[-1]["train_loss"]
    # The same seed gives the same model, another seed another one.
    assert sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, seed=3).to_dict()["parameters"] == m.to_dict()["parameters"]
    assert sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, seed=4).to_dict()["parameters"] != m.to_dict()["parameters"]
    # Training learned something: validation loss below that of the untrained model's first epoch.
    assert events[-1]["validation_loss"] < events[0]["validation_loss"]


def test_train_on_registry_name_and_from_trajectories():
    m = sd.train("stable-opinf", "demo-pendulum", {"operators": "AH"})
    assert m.state_dim == 2 and m.training["dataset"]["name"] == "demo-pendulum"
    rel = m.evaluate("demo-pendulum")["mean_relative_error"]
    assert np.isfinite(rel)


def test_callback_returning_false_cancels_and_returns_the_model():
    ds = pendulum_pairs()
    seen = []

    def stop_after_two(event):
        seen.append(event["epoch"])
        return event["epoch"] < 2

    t0 = time.monotonic()
    m = sd.train("lyapunov-net", ds, LONG, on_epoch=stop_after_two)
    assert time.monotonic() - t0 < 30
    assert seen == [1, 2]
    assert m.training["status"] == "cancelled" and m.training["epochs_run"] == 2
    # The cancelled model is usable and consistent.
    X = np.random.default_rng(0).uniform(-1, 1, (10, 2))
    assert np.all(np.isfinite(m.field(X)))
    assert bit_equal(sd.model_from_json(m.to_json()).field(X), m.field(X))
    # None and True keep going.
    assert sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, on_epoch=lambda e: None).training["status"] == "completed"
    assert sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, on_epoch=lambda e: True).training["status"] == "completed"


def test_exception_in_callback_cancels_and_propagates():
    class Stop(Exception):
        pass

    def boom(event):
        raise Stop("from the callback at epoch %d" % event["epoch"])

    t0 = time.monotonic()
    with pytest.raises(Stop, match="epoch 1"):
        sd.train("lyapunov-net", pendulum_pairs(), LONG, on_epoch=boom)
    assert time.monotonic() - t0 < 30


def test_sigint_during_training_raises_training_interrupted_with_the_model():
    # raise_signal delivers SIGINT to this (main) thread: the handler train() installed sets the core's
    # cancel flag, training stops at the next minibatch and train() raises TrainingInterrupted.
    assert threading.current_thread() is threading.main_thread()

    def interrupt(event):
        if event["epoch"] == 2:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt) as info:
        sd.train("lyapunov-net", pendulum_pairs(), LONG, on_epoch=interrupt)
    assert isinstance(info.value, sd.TrainingInterrupted)
    m = info.value.model
    assert m.training["status"] == "cancelled" and m.training["epochs_run"] in (2, 3)
    assert np.all(np.isfinite(m.field(np.zeros((1, 2)))))
    # Python's own handler is back.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_user_sigint_handler_is_respected():
    # With a handler of the user's, SIGINT is handled by PyErr_CheckSignals in the callback path.
    class Custom(Exception):
        pass

    def handler(signum, frame):
        raise Custom("user handler")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        def interrupt(event):
            if event["epoch"] == 1:
                os.kill(os.getpid(), signal.SIGINT)

        with pytest.raises(Custom):
            sd.train("lyapunov-net", pendulum_pairs(), LONG, on_epoch=interrupt)
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_from_outside_stops_a_long_epoch_promptly(tmp_path):
    # A real Ctrl-C into a separate interpreter while it is inside one long epoch (no callback runs then):
    # the stop must come within a minibatch, not at the end of the epoch.
    script = tmp_path / "long_training.py"
    script.write_text(textwrap.dedent("""
        import json, sys, time
        import numpy as np
        import stabledyn as sd
        rng = np.random.default_rng(0)
        x = rng.uniform(-2, 2, (2000000, 2))
        ds = sd.Dataset.from_arrays(None, x, dxdt=np.column_stack([x[:, 1], -x[:, 0]]))
        hyper = {"fhat_hidden": [128, 128], "v_hidden": [64, 64], "epochs": 1000, "batch_size": 256,
                 "certificate_samples": 100, "certificate_trajectories": 0}
        print("ready", flush=True)
        t0 = time.monotonic()
        try:
            sd.train("lyapunov-net", ds, hyper)
            print(json.dumps({"interrupted": False}))
        except sd.TrainingInterrupted as e:
            print(json.dumps({"interrupted": True, "status": e.model.training["status"],
                              "epochs_run": e.model.training["epochs_run"], "seconds": time.monotonic() - t0}))
    """))
    env = dict(os.environ)
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    t_signal = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=120)
    waited = time.monotonic() - t_signal
    result = json.loads(out.strip().splitlines()[-1])
    assert result["interrupted"] and result["status"] == "cancelled"
    # stopped inside the first epoch (7 813 minibatches, ~11 s on an idle 2-core machine: a small network's
    # epoch took only 2 s with the faster kernels and the signal at 1.5 s raced the end of the epoch)
    assert result["epochs_run"] == 0
    assert waited < 20                        # the certificate of the cancelled model is computed lazily


def test_gil_is_released_while_training():
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    worker = threading.Thread(target=spin)
    worker.start()
    try:
        before = counter[0]
        sd.train("lyapunov-net", pendulum_pairs(n_train=2048), dict(LYAPUNOV_HYPER, epochs=20))
        during = counter[0] - before
    finally:
        stop.set()
        worker.join()
    # With the GIL held for the whole training the other thread would barely run.
    assert during > 10000


def test_training_in_a_thread_and_evaluation_in_parallel():
    ds = pendulum_pairs()
    results = {}

    def job(seed):
        results[seed] = sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, seed=seed)

    threads = [threading.Thread(target=job, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    serial = sd.train("lyapunov-net", ds, LYAPUNOV_HYPER, seed=1)
    assert results[1].to_dict()["parameters"] == serial.to_dict()["parameters"]
    assert results[2].to_dict()["parameters"] != serial.to_dict()["parameters"]
