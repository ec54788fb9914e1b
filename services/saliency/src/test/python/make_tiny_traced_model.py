"""A tiny TorchScript classifier made by torch.jit.trace, as a user's plain export would be: it has forward only, no
'features' method, so it cannot give class activation maps (SaliencyMethodFallbackTest).

    /usr/bin/python3 services/saliency/src/test/python/make_tiny_traced_model.py
"""
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'resources', 'models', 'tiny-traced')


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=8, stride=8)
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean([2, 3]))


def main():
    torch.manual_seed(0)
    traced = torch.jit.trace(Tiny().eval(), torch.rand(1, 3, 224, 224))
    traced.save(os.path.join(OUT, 'model.pt'))
    with open(os.path.join(OUT, 'classes.txt'), 'w') as f:
        f.write('red\ngreen\nblue\n')
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        f.write('{"model": "model.pt", "model_id": "tiny-traced", "classes": "classes.txt", "input_size": 224, '
                '"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}\n')


if __name__ == '__main__':
    main()
