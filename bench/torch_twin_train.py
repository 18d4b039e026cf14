#!/usr/bin/python3
"""PyTorch control for harmonic's blind-denoiser training (study A): the same recipe, run by PyTorch.

It trains the PyTorch twin of a bias-free network (torch_reference.py, see docs/reproduce.md) from
harmonic's own initial weights on images that `harmonic data export` wrote, with harmonic's recipe:
sigma = U^2 per image (U ~ Uniform[0,1]), noisy = x + sigma*z, loss sum((net(noisy) - sigma*z)^2) / batch
(with --sigma-weight c each image's squared error is divided by sigma^2 + c), Adam (0.9, 0.999, 1e-8),
the learning rate multiplied by --lr-factor every --lr-every steps, batches drawn from a fresh
permutation of the training images every epoch. It writes the trained weights (with the batch norms'
running_sd) as a harmonic checkpoint, so `harmonic eval` scores both with the same noise and PSNR code.
Only the random numbers differ (noise, batch order): it is a control, not a bit-for-bit twin.

    harmonic train --steps 0 --out init <the run's flags>            # harmonic's initial weights
    harmonic data export --split train --out train.npy <the run's data flags>
    /usr/bin/python3 bench/torch_twin_train.py --init init/model.safetensors --data train.npy \
        --steps 6000 --batch 32 --lr 0.003 --lr-every 4500 --lr-factor 0.5 --seed 1 --out twin.safetensors
    harmonic eval --ckpt twin.safetensors <the run's data flags>

--reference names torch_reference.py (default: $HARMONIC_TORCH_REFERENCE, else ../shared/tools/
beside the clone, as the parity tests look for it). The first step's loss is printed so that it can be
compared with harmonic's (`harmonic train --steps 1` on the same weights and data).
"""
import argparse, importlib.util, json, os, struct, sys, time

import numpy as np
import torch


def reference(path):
    if not path:
        path = os.environ.get("HARMONIC_TORCH_REFERENCE") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools", "torch_reference.py")
    if not os.path.exists(path):
        sys.exit(f"torch_reference.py not found at {path}: give --reference or set HARMONIC_TORCH_REFERENCE")
    spec = importlib.util.spec_from_file_location("torch_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_safetensors(path, meta, tensors):
    """The safetensors layout harmonic reads: JSON header (names sorted), float32 little-endian data."""
    header, blobs, off = {"__metadata__": meta}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--init", required=True, help="harmonic model.safetensors with the initial weights")
    p.add_argument("--data", required=True, help="training images [N,1,H,W] float32 .npy (harmonic data export)")
    p.add_argument("--out", required=True, help="trained model as a harmonic .safetensors checkpoint")
    p.add_argument("--steps", type=int, default=6000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--lr-every", type=int, default=4500, help="0: constant learning rate")
    p.add_argument("--lr-factor", type=float, default=0.5)
    p.add_argument("--sigma-weight", type=float, default=0.0, help="divide each image's error by sigma^2 + c (0: none)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reference", default="", help="path of torch_reference.py")
    a = p.parse_args()
    for name, v in (("steps", a.steps), ("batch", a.batch)):
        if v < 1:
            sys.exit(f"--{name} {v} must be positive")
    if not a.lr > 0 or a.lr_every < 0 or not 0 < a.lr_factor <= 1 or a.sigma_weight < 0:
        sys.exit("--lr must be > 0, --lr-every >= 0, --lr-factor in (0,1], --sigma-weight >= 0")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    ref = reference(a.reference)
    meta, _ = ref.read_safetensors(a.init)
    net = ref.load(a.init)
    if net.arch == "tc-unet":
        sys.exit("the twin trains blind networks (bf-unet, bf-cnn); tc-unet runs train with --objective vp-eps|heat")
    x = np.load(a.data)
    if x.ndim != 4 or x.shape[1] != 1 or x.dtype != np.float32:
        sys.exit(f"{a.data}: want [N,1,H,W] float32 images, got {x.shape} {x.dtype}")
    x = torch.from_numpy(x)
    n = x.shape[0]
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    net.train()
    perm, pos, smoothed, start = torch.randperm(n), 0, None, time.time()
    for step in range(a.steps):
        lr = a.lr * a.lr_factor ** (step // a.lr_every) if a.lr_every else a.lr
        for g in opt.param_groups:
            g["lr"] = lr
        idx = []
        while len(idx) < a.batch:  # an epoch's permutation, then the next one's
            take = min(a.batch - len(idx), n - pos)
            idx += perm[pos:pos + take].tolist()
            pos += take
            if pos == n:
                perm, pos = torch.randperm(n), 0
        clean = x[idx]
        sigma = torch.rand(a.batch, 1, 1, 1, dtype=torch.float64) ** 2
        target = sigma.float() * torch.randn_like(clean)
        err = ((net(clean + target) - target) ** 2).sum(dim=(1, 2, 3))
        if a.sigma_weight > 0:
            err = err / (sigma.view(-1) ** 2 + a.sigma_weight).float()
        loss = err.sum() / a.batch
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        v = loss.item()
        if step == 0:
            print(f"step 1 loss {v:.6g}", flush=True)
        smoothed = v if smoothed is None else 0.99 * smoothed + 0.01 * v
        if (step + 1) % 500 == 0 or step + 1 == a.steps:
            print(f"step {step + 1}/{a.steps} smoothed loss {smoothed:.4f} lr {lr:g} ({time.time() - start:.0f} s)", flush=True)
    meta = dict(meta)
    meta["step"] = str(a.steps)
    meta["trained_by"] = "torch_twin_train.py"
    write_safetensors(a.out, meta, {k: v.detach().numpy() for k, v in net.state_dict().items()})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
