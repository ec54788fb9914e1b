"""PyTorch side of the pass-time probe (see PassTimes.java beside it): the same passes in Debian's torch.

    GLIBC_TUNABLES=... /usr/bin/python3 scripts/saliency-cpu/pass_times.py BATCH REPEATS SLEEP_MS THREADS [MODEL_PT ...]
With two models their passes alternate, and the median of the per-pair ratios (second / first) is printed too.
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
BUNDLED = os.path.join(ROOT, 'services/saliency/src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')


def spread(name, values):
    v = sorted(values)
    n = len(v)
    print('%s: min %.1f p10 %.1f p25 %.1f p50 %.1f p75 %.1f ms' % (name, v[0], v[n // 10], v[n // 4], v[n // 2], v[3 * n // 4]))


def main():
    batch, repeats, sleep_ms, threads = map(int, sys.argv[1:5])
    torch.set_num_threads(threads)
    models = [torch.jit.load(p).eval() for p in (sys.argv[5:] or [BUNDLED])]
    # Each model's last linear layer (weights, bias), as SaliencyModel reads it for class activation maps.
    layers = []
    for model in models:
        w = [p for p in model.parameters() if p.dim() == 2][-1]
        layers.append((w, [p for p in model.parameters() if p.dim() == 1 and p.shape[0] == w.shape[0]][-1]))
    arr = np.random.randn(batch * 3 * 320 * 320).astype('<f4')
    passes, engine = [[] for _ in models], [[] for _ in models]
    for it in range(-5, repeats):
        for m, model in enumerate(models):
            w, b = layers[m]
            time.sleep(sleep_ms / 1000)
            t0 = time.perf_counter()
            with torch.inference_mode():
                f = model.features(torch.from_numpy(arr).reshape(batch, 3, 320, 320))
                logits = f.flatten(2).mean(2) @ w.t() + b
                top = torch.from_numpy(np.argsort(-logits.numpy(), axis=1, kind='stable')[:, :5])
                t1 = time.perf_counter()
                maps = torch.einsum('nkhw,nrk->rnhw', f, w[top])
                F.interpolate(maps, size=(320, 320), mode='bilinear', align_corners=False).numpy().copy()
            t2 = time.perf_counter()
            if it >= 0:
                passes[m].append((t2 - t0) * 1e3)
                engine[m].append((t1 - t0) * 1e3)
    for m in range(len(models)):
        spread('PT  pass   model %d' % m, passes[m])
        spread('PT  engine model %d' % m, engine[m])
    if len(models) == 2:
        ratios = sorted(b / a for a, b in zip(passes[0], passes[1]))
        print('PT pass time, model 1 / model 0, median of pairs: %.3f' % ratios[len(ratios) // 2])


if __name__ == '__main__':
    main()
