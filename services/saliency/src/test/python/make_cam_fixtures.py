"""Reference fixtures for ClassActivationTest: class activation maps by PyTorch on the bundled model.

Run from the repository root with a Python that has torch and numpy (Debian's python3-torch 1.13 made the
committed files):
    /usr/bin/python3 services/saliency/src/test/python/make_cam_fixtures.py

Reads the 224x224 pixels and top-1 classes that make_fixtures.py committed (so both tests feed the same input) and
writes, per photo and for its top-1 class c:
- <stem>_cam_top1.f32: CAM_c = sum_k fc.weight[c, k] * features(x)[k] (7 x 7), resized to 224 x 224 by
  torch.nn.functional.interpolate(mode='bilinear', align_corners=False);
- <stem>_gradcam_top1.f32: max over channels of |dS_c/dx| times max(CAM_c, 0), the saliency.method=gradient-cam map.
float32 little-endian, C-order. cam_fixtures.json lists them with the logits computed from the features.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..')
MODEL = os.path.join(ROOT, 'src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')
OUT = os.path.join(ROOT, 'src/test/resources/fixtures')


def main():
    torch.set_num_threads(1)
    meta = json.load(open(os.path.join(OUT, 'fixtures.json')))
    size = meta['size']
    model = torch.jit.load(MODEL).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    weight = model.fc.weight
    out = {'model': meta['model'], 'torch': torch.__version__, 'size': size, 'images': []}
    for img in meta['images']:
        stem = img['pixels'][:-len('_rgb224.u8')]
        hwc = np.fromfile(os.path.join(OUT, img['pixels']), np.uint8).reshape(size, size, 3)
        chw = hwc.transpose(2, 0, 1)[None].astype(np.float32)
        x = torch.from_numpy((chw / np.float32(255) - np.float32(0.5)) / np.float32(0.5)).requires_grad_(True)
        c = img['top5'][0]
        f = model.features(x)
        logits = model.fc(f.mean([2, 3]))
        logits[0, c].backward()
        with torch.no_grad():
            cam = torch.einsum('k,kij->ij', weight[c], f[0])
            cam224 = F.interpolate(cam[None, None], size=(size, size), mode='bilinear', align_corners=False)[0, 0]
            grad_map = x.grad[0].abs().max(0).values
            gated = grad_map * cam224.clamp(min=0)
        cam224.numpy().astype('<f4').tofile(os.path.join(OUT, stem + '_cam_top1.f32'))
        gated.numpy().astype('<f4').tofile(os.path.join(OUT, stem + '_gradcam_top1.f32'))
        out['images'].append({'photo': img['photo'], 'pixels': img['pixels'], 'class': c,
                              'cam': stem + '_cam_top1.f32', 'gradient_cam': stem + '_gradcam_top1.f32',
                              'cam_7x7': [float(v) for v in cam.flatten()],
                              'logits': [float(v) for v in logits[0].detach()]})
        print(img['photo'], 'class', c, 'CAM range', float(cam.min()), float(cam.max()))
    with open(os.path.join(OUT, 'cam_fixtures.json'), 'w') as fh:
        json.dump(out, fh)


if __name__ == '__main__':
    main()
