#!/usr/bin/python3
"""PyTorch side of `npm run bench -- train` (issue "Training speed").

    OMP_NUM_THREADS=2 /usr/bin/python3 tests/bench/train_torch.py SIZE BATCH STEPS [THREADS]

The same model as the engine's cpu-small preset: ResNet-18 at width 1/4 on
1-channel input (torchvision's layout, written out: Debian has no torchvision),
a 2-layer post-LayerNorm transformer text encoder (d 128, 4 heads, FFN 512,
GELU, 64 tokens, 8000-word vocabulary, learned positions) max-pooled over
tokens, Linear-ReLU-Linear heads to 128, the ConVIRT loss (tau 0.1, lambda
0.75) and Adam (lr 1e-4, weight decay 1e-6). Prints one JSON line: median ms
per warm step, median CPU ms per step (every thread's), pairs/s, peak RSS.
"""
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class ResNet18(nn.Module):
    def __init__(self, width=0.25):
        super().__init__()
        w = [max(1, round(c * width)) for c in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(1, w[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w[0])
        layers, inplanes = [], w[0]
        for stage, planes in enumerate(w):
            for b in range(2):
                layers.append(BasicBlock(inplanes, planes, 2 if b == 0 and stage > 0 else 1))
                inplanes = planes
        self.layers = nn.Sequential(*layers)
        self.features = inplanes

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        return self.layers(x).mean(dim=(2, 3))


class TextEncoder(nn.Module):
    def __init__(self, vocab=8000, d=128, heads=4, ffn=512, layers=2, tokens=64):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.position = nn.Embedding(tokens, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.1, activation="gelu", batch_first=True, norm_first=False, layer_norm_eps=1e-12)
        self.encoder = nn.TransformerEncoder(layer, layers)

    def forward(self, ids, mask):
        positions = torch.arange(ids.shape[1])
        x = self.norm(self.word(ids) + self.position(positions))
        x = self.encoder(x, src_key_padding_mask=~mask)
        return x.masked_fill(~mask.unsqueeze(-1), -1e9).max(dim=1).values


def head(inputs, hidden=128, out=128):
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, out))


def convirt_loss(v, u, tau=0.1, lam=0.75):
    logits = F.normalize(v, dim=1) @ F.normalize(u, dim=1).t() / tau
    targets = torch.arange(v.shape[0])
    return (lam * F.cross_entropy(logits, targets) + (1 - lam) * F.cross_entropy(logits.t(), targets))


def main():
    size, batch, steps = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    image, text = ResNet18(), TextEncoder()
    image_head, text_head = head(image.features), head(128)
    params = [p for m in (image, text, image_head, text_head) for p in m.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-4, weight_decay=1e-6)
    for m in (image, text, image_head, text_head):
        m.train()
    images = torch.rand(batch, 1, size, size)
    ids = torch.randint(5, 8000, (batch, 64))
    lengths = torch.randint(8, 65, (batch,))
    mask = torch.arange(64).unsqueeze(0) < lengths.unsqueeze(1)
    times, cpu = [], []
    for step in range(2 + steps):
        start = time.perf_counter()
        cpu_start = time.process_time()
        optimizer.zero_grad()
        loss = convirt_loss(image_head(image(images)), text_head(text(ids, mask)))
        loss.backward()
        optimizer.step()
        if step >= 2:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - cpu_start) * 1000)
    ms = statistics.median(times)
    print(json.dumps({"msPerStep": ms, "cpuMsPerStep": statistics.median(cpu), "pairsPerSecond": batch * 1000 / ms, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
