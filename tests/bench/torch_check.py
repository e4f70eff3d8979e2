"""torch_check.py: compare adpipe's models with the same networks written in PyTorch
(float64): outputs, every gradient, batch-norm running statistics, one Adam step, an
eval forward.  Manual cross-check, not part of make check.  After `make` and
building tests/bench/torch_dump (see torch_dump.c):

    /usr/bin/python3 tests/bench/torch_check.py ae conv:16-32-64 1 28 28 [-v]
    /usr/bin/python3 tests/bench/torch_check.py dsvdd lenet 1 28 28 1   # pretrain phase

Prints PASS/FAIL (-v: every comparison).  GOLDEN=t1,t2 also prints the values
pasted into tests/unit/test_models.c."""
import os, sys, subprocess, math
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.set_default_dtype(torch.float64)   # reference in double

def load(lines):
    d = {}
    for ln in lines:
        p = ln.split()
        tag, name, n = p[0], p[1], int(p[2])
        d[(tag, name)] = np.array([float(v) for v in p[3:3 + n]])
    return d

kind, arch, C, H, W = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
argv = [a for a in sys.argv[1:] if a != "-v"]
pre = int(argv[5]) if len(argv) > 5 else 0
out = subprocess.run([os.environ.get("TORCH_DUMP", "tests/bench/torch_dump")] + argv, capture_output=True, text=True, check=True).stdout
D = load(out.strip().split("\n"))
B = 3
x = torch.tensor(D[("X", "x")]).reshape(B, C, H, W)
P = {k[1]: torch.tensor(v) for k, v in D.items() if k[0] == "P"}
slope = 0.01 if kind == "dsvdd" else 0.2
params = {}   # name -> tensor (leaf, requires grad)
bufs = {}
def par(name, shape):
    t = P[name].reshape(shape).clone().requires_grad_(True); params[name] = t; return t
def bn(h, name, affine, eps, train=True):
    rm, rv = P[name + ".running_mean"].clone(), P[name + ".running_var"].clone()
    bufs[name] = (rm, rv)
    w = par(name + ".weight", (-1,)) if affine else None
    b = par(name + ".bias", (-1,)) if affine else None
    return F.batch_norm(h, rm, rv, w, b, training=train, momentum=0.1, eps=eps)

def forward(x, train):
    params.clear(); bufs.clear()
    if kind in ("ae", "memae") and arch.startswith("conv:"):
        ch = [int(v) for v in arch[5:].split("+")[0].split("-")]
        h = x; sizes = []
        for i, c in enumerate(ch):
            sizes.append((h.shape[2], h.shape[3]))
            h = F.conv2d(h, par(f"enc.{i}.conv.weight", (c, h.shape[1], 3, 3)), par(f"enc.{i}.conv.bias", (c,)), stride=2, padding=1)
            h = F.leaky_relu(bn(h, f"enc.{i}.bn", True, 1e-5, train), slope)
        if kind == "memae":
            h = memory(h)
        for d, i in enumerate(range(len(ch) - 1, -1, -1)):
            oc = ch[i - 1] if i > 0 else C
            op = (sizes[i][0] - (2 * h.shape[2] - 1), sizes[i][1] - (2 * h.shape[3] - 1))
            h = F.conv_transpose2d(h, par(f"dec.{d}.convt.weight", (h.shape[1], oc, 3, 3)), par(f"dec.{d}.convt.bias", (oc,)), stride=2, padding=1, output_padding=op)
            if i > 0:
                h = F.leaky_relu(bn(h, f"dec.{d}.bn", True, 1e-5, train), slope)
        if arch.endswith("+sigmoid"): h = torch.sigmoid(h)
        return h.reshape(B, -1)
    if kind in ("ae", "memae") and arch.startswith("mlp:"):
        wd = [int(v) for v in arch[4:].split("-")]
        h = x.reshape(B, -1)
        for i, c in enumerate(wd):
            h = F.linear(h, par(f"enc.{i}.linear.weight", (c, h.shape[1])), par(f"enc.{i}.linear.bias", (c,)))
            h = F.leaky_relu(bn(h, f"enc.{i}.bn", True, 1e-5, train), slope)
        if kind == "memae":
            h = memory(h.reshape(B, -1, 1, 1)).reshape(B, -1)
        L = len(wd)
        for d, i in enumerate(range(L - 2, -1, -1)):
            h = F.linear(h, par(f"dec.{d}.linear.weight", (wd[i], h.shape[1])), par(f"dec.{d}.linear.bias", (wd[i],)))
            h = F.leaky_relu(bn(h, f"dec.{d}.bn", True, 1e-5, train), slope)
        h = F.linear(h, par(f"dec.{L-1}.linear.weight", (C * H * W, h.shape[1])), par(f"dec.{L-1}.linear.bias", (C * H * W,)))
        return h
    if kind == "dsvdd" and arch.startswith("lenet"):
        ch = [8, 4] if C == 1 else [32, 64, 128]
        if ":" in arch: ch = [int(v) for v in arch.split(":")[1].split("-")]
        rep = P["center"].numel()
        h = x; sizes = []
        for i, c in enumerate(ch):
            sizes.append(h.shape[2])
            h = F.conv2d(h, par(f"enc.{i}.conv.weight", (c, h.shape[1], 5, 5)), None, padding=2)
            h = F.max_pool2d(F.leaky_relu(bn(h, f"enc.{i}.bn", False, 1e-4, train), slope), 2)
        Pz = h.shape[2]
        h = F.linear(h.flatten(1), par(f"enc.{len(ch)}.linear.weight", (rep, h[0].numel())))
        if not pre:
            return h
        h = F.leaky_relu(h.view(B, rep // 16, 4, 4), slope)
        while h.shape[2] < Pz: h = F.interpolate(h, scale_factor=2)
        h = F.conv_transpose2d(h, par("dec.0.convt.weight", (rep // 16, ch[-1], 5, 5)), None, padding=2)
        h = F.leaky_relu(bn(h, "dec.0.bn", False, 1e-4, train), slope)
        for d, i in enumerate(range(len(ch) - 1, -1, -1), start=1):
            h = F.interpolate(h, scale_factor=2)
            p = (h.shape[2] + 4 - sizes[i]) // 2
            oc = ch[i - 1] if i > 0 else C
            h = F.conv_transpose2d(h, par(f"dec.{d}.convt.weight", (h.shape[1], oc, 5, 5)), None, padding=p)
            if i > 0: h = F.leaky_relu(bn(h, f"dec.{d}.bn", False, 1e-4, train), slope)
            else: h = torch.sigmoid(h)
        return h.reshape(B, -1)
    if kind == "dsvdd" and arch.startswith("mlp:"):
        wd = [int(v) for v in arch[4:].split("-")]
        h = x.reshape(B, -1); L = len(wd)
        for i, c in enumerate(wd):
            h = F.linear(h, par(f"enc.{i}.linear.weight", (c, h.shape[1])))
            if i < L - 1: h = F.leaky_relu(bn(h, f"enc.{i}.bn", False, 1e-4, train), slope)
        if not pre: return h
        for d, i in enumerate(range(L - 2, -1, -1)):
            h = F.linear(h, par(f"dec.{d}.linear.weight", (wd[i], h.shape[1])))
            h = F.leaky_relu(bn(h, f"dec.{d}.bn", False, 1e-4, train), slope)
        return F.linear(h, par(f"dec.{L-1}.linear.weight", (C * H * W, h.shape[1])))
    raise SystemExit("arch")

aux = [0.0]
def memory(z):
    N_, Cz = 7, z.shape[1]
    Mw = par("mem.weight", (N_, Cz))
    q = z.permute(0, 2, 3, 1).reshape(-1, Cz)
    zn = q / q.norm(dim=1, keepdim=True).clamp_min(1e-12)
    mn = Mw / Mw.norm(dim=1, keepdim=True).clamp_min(1e-12)
    w = F.softmax(zn @ mn.t(), dim=1)
    lam = 0.1
    w = F.relu(w - lam) * w / ((w - lam).abs() + 1e-12)
    w = w / w.abs().sum(dim=1, keepdim=True).clamp_min(1e-12)
    aux[0] = 0.05 * (-(w * torch.log(w + 1e-12)).sum(dim=1)).mean()
    o = w @ Mw
    return o.reshape(z.shape[0], z.shape[2], z.shape[3], Cz).permute(0, 3, 1, 2)

def cmp(what, a, b, tol=5e-4):
    a = np.asarray(a, dtype=np.float64).ravel(); b = np.asarray(b, dtype=np.float64).ravel()
    if np.max(np.abs(b)) < 1e-9:   # a gradient that is exactly 0 (bias before batch-norm)
        ok = np.max(np.abs(a)) < 2e-3   # float rounding of a sum that is 0 in exact arithmetic
        if not ok or "-v" in sys.argv: print(f"{'OK ' if ok else 'BAD'} {what}: zero; max |C| {np.max(np.abs(a)):.2e}")
        return ok
    err = np.max(np.abs(a - b) / (np.abs(b) + 1e-2 * np.max(np.abs(b)) + 1e-5)) if a.size else 0.0
    flag = "OK " if err < tol else "BAD"
    if flag == "BAD" or "-v" in sys.argv: print(f"{flag} {what}: max rel err {err:.2e}")
    return err < tol

ok = True
o = forward(x, True)
ok &= cmp("out", D[("O", "out")], o.detach().numpy())
if kind == "memae":
    ok &= cmp("aux", D[("A", "aux")], [float(aux[0])])
    train_aux = float(aux[0])
if kind == "dsvdd" and not pre:
    tgt = P["center"].reshape(1, -1)
else:
    tgt = x.reshape(B, -1)
dout = torch.tensor(D[("O", "out")]).reshape(o.shape) - tgt   # same dout as the C side
loss = (o * dout).sum() + (aux[0] if kind == "memae" else 0.0)
loss.backward()
grads = {n: t.grad.numpy().copy() for n, t in params.items()}
for name, t in params.items():
    ok &= cmp("grad " + name, D[("G", name)], t.grad.numpy(), 1e-3)
for name, (rm, rv) in bufs.items():
    ok &= cmp("running_mean " + name, D[("U", name + ".running_mean")], rm.numpy())
    ok &= cmp("running_var " + name, D[("U", name + ".running_var")], rv.numpy())
# Adam: one step from the C gradients (so only the update rule is compared)
leaves = []
for name, t in params.items():
    p = torch.nn.Parameter(P[name].clone()); p.grad = torch.tensor(D[("G", name)]); leaves.append((name, p))
opt = torch.optim.Adam([p for _, p in leaves], lr=0.01, weight_decay=0.001)
opt.step()
for name, p in leaves:
    ok &= cmp("adam " + name, D[("U", name)], p.detach().numpy(), 1e-4)
# eval forward with the updated parameters and running statistics
for k in list(P):
    if ("U", k) in D: P[k] = torch.tensor(D[("U", k)])
with torch.no_grad():
    e = forward(x, False)
ok &= cmp("eval", D[("E", "eval")], e.numpy(), 1e-4)
print(("PASS " if ok else "FAIL ") + " ".join(sys.argv[1:]))
if True:
    import os
    if os.environ.get("GOLDEN"):
        idx = [0, 1, 7, 50, 100]
        ov = o.detach().numpy().ravel()
        print("out", [f"{ov[i]:.9g}" for i in idx if i < ov.size], "sum", f"{ov.sum():.9g}")
        if kind == "memae": print("aux", f"{train_aux:.9g}")
        for name in os.environ["GOLDEN"].split(","):
            g = grads[name].ravel()
            print("grad", name, [f"{g[i]:.9g}" for i in range(min(3, g.size))])
        ev = e.numpy().ravel()
        print("eval", [f"{ev[i]:.9g}" for i in idx if i < ev.size])
