"""PyTorch side of `wsol bench saliency`: the same saliency work as SaliencyModel, timed in PyTorch.

Started by the Java benchmark as `/usr/bin/python3 bench_torch.py MODEL.pt THREADS INTEROP_THREADS`;
speaks JSON lines.
First line out: {"torch": version, "threads": n, "interop": m} or {"error": why} (e.g. no torch).
Each line in: {"passes": [{"input": file, "images": n, "crops": c}], "method": "cam" | "gradient",
"top_k": k, "repeats": r, "save_grad": file or null}; the answer: {"times": [seconds per repeat, all passes together]}.

A pass is what SaliencyModel does for the method, input being float32 images*crops x 3 x S x S, little-endian:
- gradient: copy the input into a tensor that requires grad, one forward of the eval-mode TorchScript model with
  frozen weights, each image's top-k classes from its mean logit over its crops, then per rank one backward of the
  summed chosen logits (graph kept for the next rank), the input gradient copied out, and zeroed. save_grad: the
  first rank's gradient.
- cam: in inference mode, the model's features(x) (last feature map), logits = its spatial mean times the last
  linear layer, each image's top-k, and per image and rank the class activation map sum_k w_ck A_k resized to
  S x S (bilinear, align_corners=False), copied out. save_grad: the maps, rank-major (rank, sample, S, S).
"""
import json
import sys


def main():
    model_path, threads, interop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:
        import numpy as np
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        print(json.dumps({'error': 'cannot import torch/numpy (%s); Debian: apt-get install python3-torch' % e}),
              flush=True)
        return
    import time

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(interop)
    model = torch.jit.load(model_path, map_location='cpu').eval()
    for p in model.parameters():
        p.requires_grad_(False)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(),
                      'interop': torch.get_num_interop_threads()}), flush=True)
    # The last linear layer (classes x channels) and its bias, as SaliencyModel reads them for class activation maps.
    w = [p for p in model.parameters() if p.dim() == 2][-1]
    b = [p for p in model.parameters() if p.dim() == 1 and p.shape[0] == w.shape[0]][-1]

    cache = {}

    def load(path):
        if path not in cache:
            cache[path] = np.fromfile(path, dtype='<f4')
        return cache[path]

    def top_k(logits, images, crops, k):
        mean = logits.reshape(images, crops, -1).mean(axis=1)
        return np.argsort(-mean, axis=1, kind='stable')[:, :k]

    def gradient(arr, images, crops, k):
        n = images * crops
        size = int(round((arr.size // (3 * n)) ** 0.5))
        x = torch.tensor(arr).reshape(n, 3, size, size).requires_grad_(True)
        y = model(x)
        top = top_k(y.detach().numpy(), images, crops, k)
        grads = []
        for r in range(k):
            seed = torch.zeros_like(y)
            seed[torch.arange(n), torch.from_numpy(np.repeat(top[:, r], crops))] = 1
            y.backward(seed, retain_graph=r < k - 1)
            grads.append(x.grad.numpy().copy())
            x.grad.zero_()
        return np.stack(grads)

    def cam(arr, images, crops, k):
        n = images * crops
        size = int(round((arr.size // (3 * n)) ** 0.5))
        with torch.inference_mode():
            x = torch.from_numpy(arr).reshape(n, 3, size, size)
            f = model.features(x)
            logits = f.flatten(2).mean(2) @ w.t() + b
            top = torch.from_numpy(top_k(logits.numpy(), images, crops, k)).repeat_interleave(crops, 0)
            maps = torch.einsum('nkhw,nrk->rnhw', f, w[top])
            up = F.interpolate(maps, size=(size, size), mode='bilinear', align_corners=False)
            return up.numpy().copy()

    for line in sys.stdin:
        req = json.loads(line)
        run = cam if req.get('method', 'gradient') == 'cam' else gradient
        passes = [(load(p['input']), p['images'], p['crops']) for p in req['passes']]
        k = req['top_k']
        times = []
        out = None
        for _ in range(req['repeats']):
            t0 = time.perf_counter()
            for arr, images, crops in passes:
                out = run(arr, images, crops, k)
            times.append(time.perf_counter() - t0)
        if req.get('save_grad'):
            out[0].astype('<f4').tofile(req['save_grad'])
        print(json.dumps({'times': times}), flush=True)


if __name__ == '__main__':
    main()
