"""Train a Yin-Yang network in snnTorch (software, elsewhere) and write it
as NIR with nir.write, for `inloop train --init` (README, "NIR").

Usage:
  inloop export --inputs yy-inputs.h5            # inloop's encoding, binned
  PYTHONPATH=<oracles>/python /usr/bin/python3 train_snntorch.py yy-inputs.h5 snn.nir [EPOCHS] [SEED]

The network is inloop's model in snnTorch: 25 inputs -> 120 CuBa-LIF
(snn.Synaptic, reset by subtraction one step later) -> 3 leaky integrators,
decays exp(-dt/tau) with tau = 6 us of chip time and dt = 1.7 us per step,
threshold 1, SuperSpike surrogate (snnTorch's fast_sigmoid), max-over-time
cross-entropy. Hidden weights are clamped to the chip's range +-63/240 in
model units after every step, so the network fits the chip.
"""
import sys, math, time
import numpy as np, h5py, torch, nir
import snntorch as snn
from snntorch import surrogate

inputs_file, out_file = sys.argv[1], sys.argv[2]
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
torch.manual_seed(seed)
torch.set_num_threads(2)

with h5py.File(inputs_file, "r") as f:
    dt = float(f.attrs["dt"])
    xtr = torch.tensor(f["train/inputs"][()]); ytr = torch.tensor(f["train/labels"][()])
    xte = torch.tensor(f["test/inputs"][()]); yte = torch.tensor(f["test/labels"][()])
N, T, I = xtr.shape
H, O = 120, 3
tau = 6e-6
decay = math.exp(-dt / tau)
lim = 63 / 240

fc1 = torch.nn.Linear(I, H, bias=False)
fc2 = torch.nn.Linear(H, O, bias=False)
with torch.no_grad():
    fc1.weight.normal_(0.02, 0.7 * (1 - decay) / math.sqrt(I) * 3)
    fc2.weight.normal_(0, 0.7 * (1 - decay) / math.sqrt(H) * 3)
lif = snn.Synaptic(alpha=decay, beta=decay, threshold=1.0, reset_mechanism="subtract",
                   spike_grad=surrogate.fast_sigmoid(slope=20))
li = snn.Synaptic(alpha=decay, beta=decay, threshold=1e9, reset_mechanism="none")

def run(x):
    """Readout scores: 10 x max over frames 1..T-1 of the readout membrane
    (frame 1 is 0; snnTorch step t holds inloop's frame t+2)."""
    syn1, mem1 = lif.init_synaptic()
    syn2, mem2 = li.init_synaptic()
    mems, spikes = [torch.zeros(x.shape[0], O)], 0
    for t in range(T - 2):
        spk, syn1, mem1 = lif(fc1(x[:, t]), syn1, mem1)
        _, syn2, mem2 = li(fc2(spk), syn2, mem2)
        mems.append(mem2)
        spikes = spikes + spk.sum(1)
    return 10 * torch.stack(mems, 1).max(1).values, spikes

opt = torch.optim.Adam(list(fc1.parameters()) + list(fc2.parameters()), lr=2e-3)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, 0.9)
t0 = time.time()
for ep in range(epochs):
    perm = torch.randperm(N)
    for k in range(0, N, 50):
        idx = perm[k:k + 50]
        scores, spikes = run(xtr[idx])
        loss = torch.nn.functional.cross_entropy(scores, ytr[idx])
        opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            fc1.weight.clamp_(-lim, lim)
    sched.step()
    with torch.no_grad():
        acc = (run(xte)[0].argmax(1) == yte).float().mean().item()
    print(f"epoch {ep + 1}/{epochs}: test accuracy {100 * acc:.2f} % ({time.time() - t0:.0f} s)", flush=True)

f32 = lambda a: a.detach().numpy().astype(np.float32)
full = lambda n, v: np.full(n, v, dtype=np.float64)
g = nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([I])),
        "fc1": nir.Affine(weight=f32(fc1.weight), bias=np.zeros(H, np.float32)),
        "hidden": nir.CubaLIF(tau_syn=full(H, tau), tau_mem=full(H, tau), r=full(H, tau / dt),
                              v_leak=full(H, 0), v_threshold=full(H, 1), v_reset=full(H, 0), w_in=full(H, tau / dt)),
        "fc2": nir.Affine(weight=f32(fc2.weight), bias=np.zeros(O, np.float32)),
        "readout": nir.CubaLI(tau_syn=full(O, tau), tau_mem=full(O, tau), r=full(O, tau / dt),
                              v_leak=full(O, 0), w_in=full(O, tau / dt)),
        "output": nir.Output(output_type=np.array([O])),
    },
    edges=[("input", "fc1"), ("fc1", "hidden"), ("hidden", "fc2"), ("fc2", "readout"), ("readout", "output")],
    metadata={"dt": dt, "dataset": "yinyang", "trained_with": f"snnTorch {snn.__version__}, torch {torch.__version__}, seed {seed}, {epochs} epochs",
              "software_test_accuracy": acc},
)
nir.write(out_file, g)
print(f"wrote {out_file}: software test accuracy {100 * acc:.2f} %")
