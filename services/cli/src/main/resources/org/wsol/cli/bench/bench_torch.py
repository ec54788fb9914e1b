"""PyTorch side of `wsol bench saliency`: the same saliency work as SaliencyModel, timed in PyTorch.

Started by the Java benchmark as `/usr/bin/python3 bench_torch.py MODEL.pt THREADS INTEROP_THREADS`;
speaks JSON lines.
First line out: {"torch": version, "threads": n, "interop": m} or {"error": why} (e.g. no torch).
Each line in: {"passes": [{"input": file, "images": n, "crops": c}], "top_k": k, "repeats": r,
"save_grad": file or null}; the answer: {"times": [seconds per repeat, all passes together]}.

A pass is what SaliencyModel.run does: copy the float32 input (images*crops x 3 x S x S, little-endian)
into a tensor that requires grad, one forward of the eval-mode TorchScript model with frozen weights,
each image's top-k classes from its mean logit over its crops, then per rank one backward of the
summed chosen logits (graph kept for the next rank), the input gradient copied out, and zeroed.
"""
import json
import sys


def main():
    model_path, threads, interop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:
        import numpy as np
        import torch
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

    cache = {}

    def load(path):
        if path not in cache:
            cache[path] = np.fromfile(path, dtype='<f4')
        return cache[path]

    def run(arr, images, crops, k):
        n = images * crops
        size = int(round((arr.size // (3 * n)) ** 0.5))
        x = torch.tensor(arr).reshape(n, 3, size, size).requires_grad_(True)
        y = model(x)
        logits = y.detach().numpy().copy()
        mean = logits.reshape(images, crops, -1).mean(axis=1)
        top = np.argsort(-mean, axis=1, kind='stable')[:, :k]
        grads = []
        for r in range(k):
            seed = torch.zeros_like(y)
            seed[torch.arange(n), torch.from_numpy(np.repeat(top[:, r], crops))] = 1
            y.backward(seed, retain_graph=r < k - 1)
            grads.append(x.grad.numpy().copy())
            x.grad.zero_()
        return grads

    for line in sys.stdin:
        req = json.loads(line)
        passes = [(load(p['input']), p['images'], p['crops']) for p in req['passes']]
        k = req['top_k']
        times = []
        grads = None
        for _ in range(req['repeats']):
            t0 = time.perf_counter()
            for arr, images, crops in passes:
                grads = run(arr, images, crops, k)
            times.append(time.perf_counter() - t0)
        if req.get('save_grad'):
            grads[0].astype('<f4').tofile(req['save_grad'])
        print(json.dumps({'times': times}), flush=True)


if __name__ == '__main__':
    main()
