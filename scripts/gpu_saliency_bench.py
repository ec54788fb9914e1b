#!/usr/bin/python3
"""Saliency maps per second of the default mode's work in PyTorch itself, on a GPU (CPU when there is none).

The default mode (cam-rect) runs, per image, one forward pass of the whole image at 320 x 320 through the
TorchScript model's features(x), logits from the last linear layer over their spatial mean, the top-5 classes, and
for each the class activation map sum_k w_ck A_k resized to 320 x 320 (bilinear) -- what
services/saliency/.../SaliencyModel does with saliency.method=cam, and what `wsol bench saliency` times on the CPU.
Here a batch of N images goes to the device, through that work, and its maps back to host memory; the figure is
images and maps (images x top-k) per second, best of the repeats, for sizing the segmenter fleet one GPU feeds.

    /usr/bin/python3 scripts/gpu_saliency_bench.py                      # cuda if present, batches 32..256
    /usr/bin/python3 scripts/gpu_saliency_bench.py --device cpu --batches 2 --repeats 1   # a quick check here

Debian's python3-torch has no CUDA: on a GPU machine use a CUDA build of torch (any 1.13+). The last line reads
'saliency maps/s: <m> (<i> images/s, batch <n>) on <device>'.
"""
import argparse
import os
import sys
import time

DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'services', 'saliency', 'src', 'main',
                             'resources', 'org', 'wsol', 'saliency', 'model', 'mobilenet_v2_imagenet', 'model.pt')


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default=DEFAULT_MODEL, help='TorchScript file with a features(x) method (default: bundled)')
    p.add_argument('--device', default='auto', help="'auto' (cuda when available), 'cuda', 'cuda:1' or 'cpu'")
    p.add_argument('--batches', default='32,64,128,256', help='images per batch, comma-separated')
    p.add_argument('--size', type=int, default=320, help='network input side (saliency.input.size of cam-rect)')
    p.add_argument('--top-k', type=int, default=5, help='class maps per image (saliency.top.k)')
    p.add_argument('--repeats', type=int, default=5, help='timed batches per size; the best counts')
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='intra-op threads on the CPU (default: the cores)')
    p.add_argument('--half', action='store_true', help='float16 on the GPU (the service computes in float32)')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        sys.exit('cannot import torch (%s); Debian: apt-get install python3-torch' % e)
    device = torch.device('cuda' if args.device == 'auto' and torch.cuda.is_available()
                          else 'cpu' if args.device == 'auto' else args.device)
    torch.backends.cudnn.benchmark = True
    torch.set_num_threads(args.threads)  # Debian's build starts with one
    model = torch.jit.load(args.model, map_location=device).eval()
    for q in model.parameters():
        q.requires_grad_(False)
    dtype = torch.float16 if args.half and device.type == 'cuda' else torch.float32
    model = model.to(dtype)
    # The last linear layer and its bias, as SaliencyModel finds them (a row per class).
    w = [q for q in model.parameters() if q.dim() == 2][-1]
    b = [q for q in model.parameters() if q.dim() == 1 and q.shape[0] == w.shape[0]][-1]
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU, %d threads' % torch.get_num_threads()
    print('torch %s on %s (%s), model %s, input %d px, top-%d, %s' % (
        torch.__version__, device, name, os.path.basename(args.model), args.size, args.top_k, dtype), flush=True)

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize(device)

    def work(host):
        with torch.inference_mode():
            x = host.to(device, dtype=dtype, non_blocking=True)
            f = model.features(x)
            logits = f.flatten(2).mean(2) @ w.t() + b
            top = logits.topk(args.top_k, dim=1).indices
            maps = torch.einsum('nkhw,nrk->nrhw', f, w[top])
            up = F.interpolate(maps.float(), size=(args.size, args.size), mode='bilinear', align_corners=False)
            return up.cpu()

    print('%6s %10s %10s %12s' % ('batch', 'ms/batch', 'images/s', 'maps/s'))
    best_rate = (0.0, 0, 0.0)
    for n in [int(v) for v in args.batches.split(',')]:
        host = torch.randn(n, 3, args.size, args.size)
        if device.type == 'cuda':
            host = host.pin_memory()
        try:
            for _ in range(3):  # TorchScript's profiling executor and cuDNN settle per shape in the first runs
                work(host)
            sync()
            best = float('inf')
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                work(host)
                sync()
                best = min(best, time.perf_counter() - t0)
        except RuntimeError as e:  # out of memory: the larger batches will not fit either
            print('%6d  failed: %s' % (n, str(e).split('\n')[0]), flush=True)
            break
        images = n / best
        print('%6d %10.1f %10.1f %12.1f' % (n, best * 1e3, images, images * args.top_k), flush=True)
        if images > best_rate[0]:
            best_rate = (images, n, images * args.top_k)
    if best_rate[1] == 0:
        sys.exit('no batch size ran')
    print('saliency maps/s: %.1f (%.1f images/s, batch %d) on %s' % (best_rate[2], best_rate[0], best_rate[1], name))


if __name__ == '__main__':
    main()
