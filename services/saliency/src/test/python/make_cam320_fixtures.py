"""Reference fixtures for ClassActivation320Test: class activation maps by PyTorch on the bundled model fed 320 x 320
inputs (saliency.input.size=320, the cam-rect mode), where its last feature map is 10 x 10.

Run from the repository root with Debian's python3-torch (it made the committed files):
    /usr/bin/python3 services/saliency/src/test/python/make_cam320_fixtures.py

The 320 x 320 pixels are the 224 x 224 fixture pixels of make_fixtures.py enlarged by nearest neighbour
(source index floor(i * 224 / 320)), so that no resize implementation is shared with the Java side; both read
the same <stem>_rgb320.u8 file. Writes per photo, for its top-1 class c at 320 px: <stem>_cam320_top1.f32, CAM_c
(10 x 10) resized to 320 x 320 by torch's bilinear interpolation (align_corners=False), float32 little-endian; and
cam320_fixtures.json with the logits and the 10 x 10 map.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..')
MODEL = os.path.join(ROOT, 'src/main/resources/org/wsol/saliency/model/mobilenet_v2_imagenet/model.pt')
OUT = os.path.join(ROOT, 'src/test/resources/fixtures')
SIZE = 320


def main():
    torch.set_num_threads(1)
    meta = json.load(open(os.path.join(OUT, 'fixtures.json')))
    small = meta['size']
    model = torch.jit.load(MODEL).eval()
    out = {'model': meta['model'], 'torch': torch.__version__, 'size': SIZE, 'images': []}
    idx = (np.arange(SIZE) * small) // SIZE
    with torch.no_grad():
        for img in meta['images']:
            stem = img['pixels'][:-len('_rgb224.u8')]
            hwc = np.fromfile(os.path.join(OUT, img['pixels']), np.uint8).reshape(small, small, 3)
            big = np.ascontiguousarray(hwc[idx][:, idx])
            big.tofile(os.path.join(OUT, stem + '_rgb320.u8'))
            chw = big.transpose(2, 0, 1)[None].astype(np.float32)
            x = torch.from_numpy((chw / np.float32(255) - np.float32(0.5)) / np.float32(0.5))
            f = model.features(x)
            logits = model.fc(f.mean([2, 3]))
            c = int(logits[0].argmax())
            cam = torch.einsum('k,kij->ij', model.fc.weight[c], f[0])
            cam320 = F.interpolate(cam[None, None], size=(SIZE, SIZE), mode='bilinear', align_corners=False)[0, 0]
            cam320.numpy().astype('<f4').tofile(os.path.join(OUT, stem + '_cam320_top1.f32'))
            out['images'].append({'photo': img['photo'], 'pixels': stem + '_rgb320.u8', 'class': c,
                                  'cam': stem + '_cam320_top1.f32', 'cam_grid': [float(v) for v in cam.flatten()],
                                  'grid': int(cam.shape[0]), 'logits': [float(v) for v in logits[0]]})
            print(img['photo'], 'class', c, 'grid', tuple(cam.shape))
    with open(os.path.join(OUT, 'cam320_fixtures.json'), 'w') as fh:
        json.dump(out, fh)


if __name__ == '__main__':
    main()
