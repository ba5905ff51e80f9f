"""How scripts/train-wake-mel-cnn.py judges a trained mel verifier and writes it out: detections
read as the daemon reads them (RUN chunks in a row, 2 s refractory), the threshold chosen on
held-out voices, the per-condition report, and the ONNX network with its descriptor
(src/wake/mel-verifier.ts). Kept apart from the training so each file says one thing."""
import hashlib
import json
import os

import torch
import torch.nn as nn

RATE = 16000
CHUNK = 1280
BINS = 32
HIT = (-0.3, 1.0)  # bench/wake-report.ts: a detection this far from the phrase's end is a hit
CHOICES = (0.8, 0.9, 0.95, 0.98, 0.99)
RUN = 3  # the shipped every-chunk stage's consecutive chunks


def chunk_time(chunk):
    return (chunk + 1) * CHUNK / RATE


def detections(p, threshold, run, refractory=2.0):
    out, streak, last = [], 0, -1e9
    for i, v in enumerate(p):
        streak = streak + 1 if v >= threshold else 0
        t = chunk_time(i)
        if streak >= run and t - last >= refractory:
            out.append(t)
            last = t
            streak = 0
    return out


def choose(entries, probs):
    """The lowest threshold at which no held-out near-miss, prose or music clip wakes, read as the
    daemon reads it (past openWakeWord's floor, RUN chunks in a row); the highest when none."""
    for t in CHOICES:
        wakes, hits, wake_clips = 0, 0, 0
        for c, p in zip(entries, probs):
            d = detections(p, t, RUN)
            if c["wakeEndSample"] is None:
                wakes += len(d)
                continue
            end = c["wakeEndSample"] / RATE
            wake_clips += 1
            hits += any(end + HIT[0] <= x <= end + HIT[1] for x in d)
        negatives = sum(1 for c in entries if c["wakeEndSample"] is None)
        if wakes == 0 or t == CHOICES[-1]:
            return t, {"heldOutRecall": round(hits / wake_clips, 4), "heldOutWakeClips": wake_clips,
                       "heldOutNegativeClips": negatives, "heldOutFalseWakes": wakes}


def write_assets(net, args, threshold, figures, voices):
    os.makedirs(args.assets, exist_ok=True)
    model = "hey_jarvis-mel.onnx"
    export(net, args.width, os.path.join(args.assets, model))
    sha = hashlib.sha256(open(os.path.join(args.assets, model), "rb").read()).hexdigest()
    descriptor = {
        "format": "edge-voice-wake-mel-verifier/1", "wakeWord": "hey_jarvis", "model": model,
        "modelSha256": sha, "frames": args.width, "threshold": threshold,
        "trainedOn": {"script": "scripts/train-wake-mel-cnn.py", "voices": voices, "epochs": args.epochs,
                      "seed": args.seed, "members": args.members, "folds": args.folds, "chosenAt": {"consecutive": RUN, **figures}},
    }
    with open(os.path.join(args.assets, "hey_jarvis-mel.json"), "w") as f:
        f.write(json.dumps(descriptor, indent=2) + "\n")
    print(f"wrote {args.assets}/hey_jarvis-mel.json (threshold {threshold})", flush=True)


class Probability(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.sigmoid(self.net(x))


def export(net, width, file):
    net.eval()
    torch.onnx.export(Probability(net), torch.zeros(1, width, BINS), file, opset_version=14,
                      input_names=["mels"], output_names=["probability"],
                      dynamic_axes={"mels": {0: "n"}, "probability": {0: "n"}})
    print(f"wrote {file}", flush=True)


def report(entries, probs, what, is_wake, end_of):
    for run in (2, 3):
        for t in (0.8, 0.9, 0.95, 0.98, 0.99):
            by, fw = {}, {}
            for c, p in zip(entries, probs):
                d = detections(p, t, run)
                end = end_of(c)
                if end is None:
                    fw[c["kind"]] = fw.get(c["kind"], 0) + len(d)
                    continue
                hit = any(end + HIT[0] <= x <= end + HIT[1] for x in d)
                by.setdefault(c["condition"], []).append(hit)
            cells = " ".join(f"{k} {100 * sum(v) / len(v):.0f}" for k, v in sorted(by.items()))
            n = {k: sum(1 for c in entries if c["kind"] == k) for k in fw}
            wakes = ", ".join(f"{k} {v}/{n[k]}" for k, v in sorted(fw.items()))
            print(f"{what} run {run} t {t}: {cells} | wakes on {wakes}", flush=True)
