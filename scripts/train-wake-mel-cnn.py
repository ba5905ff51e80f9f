#!/usr/bin/python3
"""A small CNN over openWakeWord's log-mel frames that hears "hey jarvis" among other talkers
(session 39, issue 17). openWakeWord's speech
embeddings carry little of the phrase in babble at 5 dB, so neither its classifier nor the
embedding verifier can find it there; a model reading the mel frames themselves, trained with
babble mixed in, does (docs/listening.md, "The mel verifier"). Reads the training clips' frames
(scripts/wake-verifier-data.ts --mels: the base, --more-babble and --music shares), trains with
four folds of voices held out in turn, each read as the daemon reads it (past openWakeWord's
score floor, three chunks in a row), picks the lowest threshold at which no held-out near-miss,
prose or music clip wakes, then trains on every voice and writes the network and its
descriptor (src/wake/mel-verifier.ts; the judging and writing: scripts/wake_mel_choice.py). bench/wake-noise.ts judges it on the benchmark's voices.

--members N trains N nets per fold (and for shipping) and reads them as one (the mean of their
logits, one ONNX file); tried with 2 in session 42, not kept (docs/listening.md).

Run with Debian's python3 (apt-get install python3-torch python3-onnx), about 25 minutes on 2 cores:
  /usr/bin/python3 scripts/train-wake-mel-cnn.py --assets assets/wake-verifier
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
from wake_mel_choice import BINS, CHOICES, RATE, RUN, chunk_time, choose, detections, export, report, write_assets

POS = (-0.05, 0.35)  # window ends counted as the phrase (s from its end)
# Neither positive nor negative in training: the phrase's last syllable, and the second after it
# (its windows still hold the phrase). Windows ending earlier inside the phrase are negatives, so
# the net waits for its end: a wake inside the phrase cuts the command's start.
SKIP = (-0.2, 1.0)
FLOOR, FLOOR_CHUNKS = 0.001, 4  # the shipped every-chunk floor: openWakeWord's score within 4 chunks


def load_share(d, name):
    meta = json.load(open(os.path.join(d, name + ".json")))
    mels = np.fromfile(os.path.join(d, name + ".mel.f32"), dtype=np.float32).reshape(-1, BINS)
    return meta["clips"], mels


def mel_end(chunk):
    return 8 * chunk + 5


class Net(nn.Module):
    def __init__(self, width):
        super().__init__()
        c = [1, 16, 32, 48, 64]
        layers = []
        for i in range(4):
            layers += [nn.Conv2d(c[i], c[i + 1], 3, padding=1), nn.BatchNorm2d(c[i + 1]), nn.ReLU()]
            if i < 3:
                layers.append(nn.MaxPool2d(2))
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(2 * c[-1], 1)

    def forward(self, x):  # x: [batch, frames, bins]
        h = self.body(x.unsqueeze(1))
        h = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        return self.head(h).squeeze(1)


class Ensemble(nn.Module):
    """Nets trained alike from different draws, read as one: the mean of their logits. Meant to
    damp what only one member hears, as one held-out near-miss spike decided a net's threshold in
    session 41; in session 42 both members of a pair heard "hey Garcia" as the phrase, so the
    pair's threshold was no lower (docs/listening.md)."""

    def __init__(self, nets):
        super().__init__()
        self.nets = nn.ModuleList(nets)

    def forward(self, x):
        return torch.stack([n(x) for n in self.nets]).mean(dim=0)


def trained(args, clips, mels, voices, rng):
    """One net, or --members of them read as one."""
    nets = [train(args, clips, mels, voices, rng) for _ in range(args.members)]
    return nets[0] if len(nets) == 1 else Ensemble(nets)


def windows(mels, first, ends, width):
    """Rows [end - width, end) of a clip's frames, padded with the clip's first frame."""
    out = np.empty((len(ends), width, BINS), dtype=np.float32)
    for k, e in enumerate(ends):
        lo = e - width
        if lo >= 0:
            out[k] = mels[first + lo:first + e]
        else:
            out[k, :-lo] = mels[first]
            out[k, -lo:] = mels[first:first + e]
    return out


def examples(clips, mels, width, voices):
    """Windows (clip's first frame, end frame): the phrase, everything else, and the near-misses
    apart (drawn more often: "hey Travis" is what the net must learn to turn away); the phrase's
    windows also split into those said after a pause and in one breath (--breath-share)."""
    pos, neg, near, babble, paused, breath = [], [], [], [], [], []
    for c in clips:
        if "firstMel" not in c:
            continue
        n = (c["mels"] - 5) // 8 + 1
        if c["kind"] == "noise" and "babble" in c["condition"]:
            babble.append(mels[c["firstMel"]:c["firstMel"] + c["mels"]])
        if c["voice"] not in voices and c["voice"] != "-":
            continue
        end = c["wakeEndSample"] / RATE if c["wakeEndSample"] is not None else None
        for i in range(n):
            e = mel_end(i)
            if e < 16:
                continue
            ref = (c["firstMel"], e)
            if end is None:
                (near if c["kind"] == "near-miss" else neg).append(ref)
                continue
            t = chunk_time(i) - end
            if POS[0] <= t <= POS[1]:
                pos.append(ref)
                (breath if c.get("oneBreath") else paused).append(ref)
            elif not (SKIP[0] <= t <= SKIP[1]):
                neg.append(ref)
    return pos, paused, breath, neg, near, babble


def batch(mels, refs, width):
    out = np.empty((len(refs), width, BINS), dtype=np.float32)
    for k, (first, e) in enumerate(refs):
        out[k] = windows(mels, first, [e], width)[0]
    return out


def mix_babble(x, babble, rng):
    """Babble added in power (x = log10 power + 2): the cross terms average out over a band."""
    for k in range(len(x)):
        if rng.random() < 0.5:
            continue
        track = babble[rng.randrange(len(babble))]
        at = rng.randrange(len(track) - x.shape[1])
        b = track[at:at + x.shape[1]]
        speech = np.log10(np.mean(10 ** (x[k] - 2)) + 1e-9)
        noise = np.log10(np.mean(10 ** (b - 2)) + 1e-9)
        snr = rng.uniform(-2, 12) / 10
        gain = speech - noise - snr
        x[k] = np.log10(10 ** (x[k] - 2) + 10 ** (b - 2 + gain)) + 2
    return x


def scores_of(net, mels, entries, width):
    net.eval()
    result = []
    with torch.no_grad():
        for c in entries:
            n = (c["mels"] - 5) // 8 + 1
            ends = [mel_end(i) for i in range(n)]
            w = windows(mels, c["firstMel"], ends, width)
            p = torch.sigmoid(net(torch.from_numpy(w))).numpy()
            result.append(p)
    return result


def train(args, clips, mels, voices, rng):
    pos, paused, breath, neg, near, babble = examples(clips, mels, args.width, voices)
    print(f"  {len(voices)} voices: {len(pos)} positive ({len(breath)} said in one breath), {len(near)} near-miss and {len(neg)} other windows, "
          f"{len(babble)} babble tracks", flush=True)
    net = Net(args.width)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-4)
    steps, size = 120, 128
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.epochs * steps)
    lossf = nn.BCEWithLogitsLoss()
    for epoch in range(args.epochs):
        net.train()
        started, total = time.time(), 0.0
        for _ in range(steps):
            # --breath-share: the share of the phrase's windows drawn from one-breath clips
            # (0: as they come, about half).
            phrase = [breath if args.breath_share and rng.random() < args.breath_share else
                      (paused if args.breath_share else pos) for _ in range(size // 4)]
            refs = [p[rng.randrange(len(p))] for p in phrase] + [
                near[rng.randrange(len(near))] for _ in range(size // 4)] + [
                neg[rng.randrange(len(neg))] for _ in range(size - size // 2)]
            x = batch(mels, refs, args.width)
            if not args.no_mix:
                x = mix_babble(x, babble, rng)
            x += np.float32(rng.uniform(-0.3, 0.3))
            y = torch.tensor([1.0] * (size // 4) + [0.0] * (size - size // 4))  # near-misses, then the rest
            opt.zero_grad()
            loss = lossf(net(torch.from_numpy(x)), y)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"  epoch {epoch + 1}: loss {total / steps:.4f} ({time.time() - started:.0f} s)", flush=True)
    return net


def floored(p, scores):
    """The net's probability where the daemon would read it: openWakeWord's score past the floor."""
    out = np.zeros_like(p)
    for i in range(min(len(p), len(scores))):
        if max(scores[max(0, i - FLOOR_CHUNKS + 1):i + 1]) >= FLOOR:
            out[i] = p[i]
    return out


def load_all(d):
    shares = [s[:-5] for s in sorted(os.listdir(d)) if s.startswith("clips-") and s.endswith(".json")]
    clips, parts, offset = [], [], 0
    for s in shares:
        cs, m = load_share(d, s)
        for c in cs:
            if "firstMel" in c:
                c["firstMel"] += offset
        clips += [c for c in cs if "firstMel" in c]
        parts.append(m)
        offset += len(m)
    return clips, np.concatenate(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="bench/out/wake-mel")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--width", type=int, default=112)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--members", type=int, default=1, help="nets trained per fold and shipped, read as one (mean logit)")
    ap.add_argument("--folds", type=int, default=4, help="voices held out in turn to choose the threshold; 0: none")
    ap.add_argument("--no-mix", action="store_true")
    ap.add_argument("--breath-share", type=float, default=0.0,
                    help="share of the phrase's windows drawn from one-breath clips (0: as they come)")
    ap.add_argument("--save", default="")
    ap.add_argument("--load", default="", help="judge a saved net instead of training one")
    ap.add_argument("--onnx", default="", help="also write the net as ONNX: mel frames [n, width, 32] -> probability [n]")
    ap.add_argument("--assets", default="", help="write DIR/hey_jarvis-mel.onnx and its descriptor (src/wake/mel-verifier.ts)")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = random.Random(args.seed)
    clips, mels = load_all(args.dir)
    voices = sorted({c["voice"] for c in clips if c["voice"] != "-"})
    print(f"{len(clips)} clips, {len(voices)} voices", flush=True)
    held_entries, held_probs = [], []
    for f in range(0 if args.load else args.folds):
        held = set(voices[f::args.folds])
        print(f"fold {f + 1}: holding out {', '.join(sorted(held))}", flush=True)
        net = trained(args, clips, mels, set(voices) - held, rng)
        entries = [c for c in clips if c["voice"] in held]
        held_entries += entries
        held_probs += [floored(p, c["scores"]) for c, p in zip(entries, scores_of(net, mels, entries, args.width))]
    chosen, figures = None, {}
    for t in CHOICES[1:]:
        woke = [c["text"] + " (" + c["condition"] + ")" for c, p in zip(held_entries, held_probs)
                if c["kind"] == "near-miss" and detections(p, t, RUN)]
        print(f"near-misses that wake at {t}: {', '.join(sorted(woke)) or 'none'}", flush=True)
    if held_entries:
        report(held_entries, held_probs, "held out", lambda c: c["kind"] == "wake",
               lambda c: c["wakeEndSample"] / RATE if c["wakeEndSample"] is not None else None)
        chosen, figures = choose(held_entries, held_probs)
        print(f"chosen on the held-out voices: threshold {chosen} ({figures})", flush=True)
    print("on every voice:", flush=True)
    if args.load:
        net = Net(args.width) if args.members == 1 else Ensemble([Net(args.width) for _ in range(args.members)])
        net.load_state_dict(torch.load(args.load))
    else:
        net = trained(args, clips, mels, set(voices), rng)
    if args.save:
        torch.save(net.state_dict(), args.save)
    if args.onnx:
        export(net, args.width, args.onnx)
    if args.assets:
        write_assets(net, args, chosen, figures, sorted(voices))


if __name__ == "__main__":
    main()
