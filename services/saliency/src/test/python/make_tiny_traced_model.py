"""Tiny TorchScript classifiers for SaliencyMethodFallbackTest:
- tiny-traced: made by torch.jit.trace, as a user's plain export would be: forward only, no 'features' method, so it
  cannot give class activation maps;
- tiny-deep-head: exports 'features', but its logits are two layers over the features' mean, not one, so a class
  activation map computed from its last layer would not be the class's evidence.

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


class DeepHead(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=8, stride=8)
        self.hidden = torch.nn.Linear(4, 4)  # as wide as the features, so only the logits check can tell
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.hidden(self.features(x).mean([2, 3]))))

    @torch.jit.export
    def features(self, x):
        return torch.relu(self.conv(x))


def sidecar(folder, model_id):
    with open(os.path.join(folder, 'classes.txt'), 'w') as f:
        f.write('red\ngreen\nblue\n')
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        f.write('{"model": "model.pt", "model_id": "' + model_id + '", "classes": "classes.txt", "input_size": 224, '
                '"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}\n')


def main():
    torch.manual_seed(0)
    traced = torch.jit.trace(Tiny().eval(), torch.rand(1, 3, 224, 224))
    traced.save(os.path.join(OUT, 'model.pt'))
    sidecar(OUT, 'tiny-traced')
    deep = os.path.join(OUT, '..', 'tiny-deep-head')
    os.makedirs(deep, exist_ok=True)
    torch.jit.script(DeepHead().eval()).save(os.path.join(deep, 'model.pt'))
    sidecar(deep, 'tiny-deep-head')


if __name__ == '__main__':
    main()
