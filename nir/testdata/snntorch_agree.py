"""Run an inloop-exported NIR graph in snnTorch and compare its predictions
with inloop's software model.

Usage: PYTHONPATH=<oracles>/python /usr/bin/python3 snntorch_agree.py GRAPH.nir DATA.h5
DATA.h5 (written by the Go test): /inputs (N, T, I) spike counts per model
step, /predictions (N,) inloop's classes. Prints "agreement A (k/N)".

Time-step mapping: one snnTorch step is one inloop frame (dt in the graph's
metadata). snnTorch's importer fixes dt = 1e-4 s and asserts r = tau_mem/dt,
so the graph's time constants are rescaled by 1e-4/dt (r and w_in, ratios of
times, stay). It discretises with forward Euler (alpha = 1 - dt/tau); inloop
uses the exact decay exp(-dt/tau), so the imported modules get that decay.
inloop's step: I[t+1] = a I[t] + W x[t], V[t+1] = b V[t] + I[t+1] - S[t],
S = V > 1: snnTorch's Synaptic with reset by subtraction and reset_delay
(its constructor default from the importer is reset to zero without delay),
input x[t] at snnTorch step t, so its state at step t is inloop's at t+1.
Substitutions: snnTorch has no CubaLI; the readout becomes a CubaLIF whose
threshold is never reached (1e9), and its membrane is read out. inloop's
class is the argmax over outputs of the maximum over frames 1..T-1 of the
readout membrane (frame 1 is 0, frames 2..T-1 are snnTorch steps 0..T-3).
"""
import sys, math
import numpy as np, h5py, torch, nir
import snntorch as snn
from snntorch.import_nir import import_from_nir

graph_file, data_file = sys.argv[1], sys.argv[2]
g = nir.read(graph_file)
dt = float(g.metadata["dt"])
snn_dt = 1e-4
decay = {}
for name, node in g.nodes.items():
    if isinstance(node, (nir.CubaLIF, nir.CubaLI)):
        decay[name] = (math.exp(-dt / float(node.tau_syn[0])), math.exp(-dt / float(node.tau_mem[0])))
        node.tau_syn = node.tau_syn * (snn_dt / dt)
        node.tau_mem = node.tau_mem * (snn_dt / dt)
ro = g.nodes["readout"]
g.nodes["readout"] = nir.CubaLIF(tau_syn=ro.tau_syn, tau_mem=ro.tau_mem, r=ro.r, v_leak=ro.v_leak,
                                 v_threshold=np.full_like(ro.tau_mem, 1e9), w_in=ro.w_in)
net = import_from_nir(g)
mods = dict(net.named_modules())
for name, (a, b) in decay.items():
    m = mods[name]
    m.alpha = torch.tensor(a, dtype=torch.float32)
    m.beta = torch.tensor(b, dtype=torch.float32)
    m.reset_mechanism_val = torch.tensor(0)
    m.state_function = m._base_sub
    m.reset_delay = True

with h5py.File(data_file, "r") as f:
    x = torch.tensor(f["inputs"][()], dtype=torch.float32)
    want = f["predictions"][()]
N, T, _ = x.shape
readout = mods["readout"]
with torch.no_grad():
    for m in mods.values():
        if isinstance(m, snn.Synaptic):
            m.reset_hidden()
    mem = [torch.zeros(N, len(ro.tau_mem))]  # frame 1
    for t in range(T - 2):
        net(x[:, t, :])
        mem.append(readout.mem.clone())
    scores = torch.stack(mem, dim=1).max(dim=1).values
    pred = scores.argmax(dim=1).numpy()
agree = int((pred == want).sum())
print(f"agreement {agree / N:.4f} ({agree}/{N})")
sys.exit(0 if agree >= 0.95 * N else 1)
