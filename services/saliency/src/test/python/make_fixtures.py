"""Reference fixtures for SaliencyGradientTest: PyTorch autograd on the bundled TorchScript model.

Run from the worktree root with a Python that has torch, numpy and Pillow:
    python services/saliency/src/test/python/make_fixtures.py

For each test photo: the 224x224 RGB pixels (uint8, resized here with Pillow, so the Java test feeds
exactly these pixels and preprocessing differences cannot matter), the logits, the top-5 classes, the
input gradient of the top-1 logit (w.r.t. the normalised input) and its max-abs-over-channels map.
Raw arrays are little-endian; gradients and maps float32, C-order (3 x 224 x 224 and 224 x 224).
"""
import json
import os

import numpy as np
import torch
from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..')
MODEL_DIR = os.path.join(ROOT, 'src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet')
RES = os.path.join(ROOT, 'src/test/resources')
OUT = os.path.join(RES, 'fixtures')
PHOTOS = ['cat.jpg', 'owl.jpg']


def main():
    torch.set_num_threads(1)  # deterministic reductions
    spec = json.load(open(os.path.join(MODEL_DIR, 'model.json')))
    size = spec['input_size']
    mean = np.array(spec['mean'], np.float32).reshape(3, 1, 1)
    std = np.array(spec['std'], np.float32).reshape(3, 1, 1)
    model = torch.jit.load(os.path.join(MODEL_DIR, 'model.pt')).eval()
    for p in model.parameters():
        p.requires_grad_(False)

    pixels = []
    for name in PHOTOS:
        img = Image.open(os.path.join(RES, 'photos', name)).convert('RGB')
        pixels.append(np.asarray(img.resize((size, size), Image.BILINEAR), np.uint8))
    # Same float32 arithmetic as Images.normalise: (p/255 - mean)/std.
    chw = np.stack([p.transpose(2, 0, 1) for p in pixels]).astype(np.float32)
    x = torch.from_numpy((chw / np.float32(255) - mean) / std).requires_grad_(True)

    logits = model(x)
    top5 = logits.topk(5, dim=1).indices
    logits.gather(1, top5[:, :1]).sum().backward()  # images are independent: one pass for both
    grad = x.grad.numpy().astype('<f4')
    maps = np.abs(grad).max(axis=1).astype('<f4')

    os.makedirs(OUT, exist_ok=True)
    meta = {'model': 'mobilenet_v2_imagenet', 'torch': torch.__version__, 'size': size, 'images': []}
    for i, name in enumerate(PHOTOS):
        stem = os.path.splitext(name)[0]
        pixels[i].tofile(os.path.join(OUT, stem + '_rgb224.u8'))
        grad[i].tofile(os.path.join(OUT, stem + '_grad_top1.f32'))
        maps[i].tofile(os.path.join(OUT, stem + '_map_top1.f32'))
        meta['images'].append({
            'photo': name,
            'pixels': stem + '_rgb224.u8',
            'gradient': stem + '_grad_top1.f32',
            'map': stem + '_map_top1.f32',
            'top5': top5[i].tolist(),
            'logits': [float(v) for v in logits[i].detach().numpy()],
        })
        print(name, 'top5', top5[i].tolist(), 'grad norm', float(np.linalg.norm(grad[i])))
    with open(os.path.join(OUT, 'fixtures.json'), 'w') as f:
        json.dump(meta, f)


if __name__ == '__main__':
    main()
