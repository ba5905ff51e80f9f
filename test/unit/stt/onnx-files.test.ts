import { describe, expect, it } from "vitest";
import { LogMelSpectrogram } from "../../../src/stt/mel.js";
import { pickOnnxFiles } from "../../../src/stt/onnx-whisper.js";

describe("pickOnnxFiles", () => {
  it("takes the encoder and the merged decoder, quantized first", () => {
    const files = pickOnnxFiles(
      {
        "config.json": "/m/config.json",
        "onnx/encoder_model.onnx": "/m/onnx/encoder_model.onnx",
        "onnx/encoder_model_quantized.onnx": "/m/onnx/encoder_model_quantized.onnx",
        "onnx/decoder_model_merged_quantized.onnx": "/m/onnx/decoder_model_merged_quantized.onnx",
      },
      "m",
    );
    expect(files).toEqual({
      encoder: "/m/onnx/encoder_model_quantized.onnx",
      decoderMerged: "/m/onnx/decoder_model_merged_quantized.onnx",
    });
  });

  it("takes a decoder plus decoder-with-past when there is no merged decoder", () => {
    const files = pickOnnxFiles(
      {
        "onnx/encoder_model_quantized.onnx": "/m/e.onnx",
        "onnx/decoder_model_quantized.onnx": "/m/d.onnx",
        "onnx/decoder_with_past_model_quantized.onnx": "/m/dp.onnx",
      },
      "m",
    );
    expect(files).toEqual({ encoder: "/m/e.onnx", decoder: "/m/d.onnx", decoderWithPast: "/m/dp.onnx" });
  });

  it("names the missing pieces when a model has no decoder", () => {
    expect(() => pickOnnxFiles({ "onnx/encoder_model.onnx": "/m/e.onnx" }, "mine")).toThrow(
      /mine lacks Whisper's ONNX encoder and decoder/,
    );
  });
});

describe("LogMelSpectrogram for large-v3 style models", () => {
  it("gives 128 bins", () => {
    const mel = new LogMelSpectrogram({
      featureSize: 128,
      nFft: 400,
      hopLength: 160,
      nSamples: 480_000,
      nbMaxFrames: 3000,
      samplingRate: 16_000,
    });
    const tone = Float32Array.from({ length: 8000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 16_000));
    const features = mel.compute(tone);
    expect(features).toHaveLength(128 * 3000);
    expect(features.every(Number.isFinite)).toBe(true);
  });
});
