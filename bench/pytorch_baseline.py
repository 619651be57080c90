#!/usr/bin/env python3
"""The same training run in PyTorch, for comparison with our trainer.

784-500-300-100-10, ReLU, Glorot-uniform weights and zero biases, plain SGD without
momentum, batch 64, reshuffled every epoch, softmax cross-entropy SUMMED over the
batch (so `--learning-rate 0.003` means what it means in our trainer and the
original). Reads the same CSV files. Prints seconds per epoch and test accuracy.

Usage: pytorch_baseline.py TRAIN.csv TEST.csv [EPOCHS] [THREADS]
"""
import sys
import time

import numpy as np
import torch


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    return torch.from_numpy(data[:, 1:] / 255.0), torch.from_numpy(data[:, 0]).long()


def main():
    train_path, test_path = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    torch.manual_seed(1)
    t = time.perf_counter()
    x_train, y_train = load(train_path)
    x_test, y_test = load(test_path)
    print(f"pytorch: loaded CSVs in {time.perf_counter() - t:.2f} s")

    sizes = [784, 500, 300, 100, 10]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        lin = torch.nn.Linear(n_in, n_out)
        torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.003)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")

    for epoch in range(1, epochs + 1):
        t = time.perf_counter()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 64):
            idx = order[start:start + 64]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        seconds = time.perf_counter() - t
        with torch.no_grad():
            acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"pytorch: epoch {epoch} {seconds:.2f} s  test accuracy {100 * acc:.2f} %", flush=True)


if __name__ == "__main__":
    main()
