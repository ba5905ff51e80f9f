/**
 * Third-party telemetry off, before any model loads. onnxruntime-node's Linux build (1.30)
 * records usage events (session creation, execution providers, a device id) in a SQLite file
 * under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and is built to upload them to
 * mobile.events.data.microsoft.com. edge-voice sends nothing anywhere, so it sets
 * ORT_DISABLE_TELEMETRY=1 unless the user set the variable. onnxruntime reads it when its
 * environment starts (the first InferenceSession), so calling this at CLI start is early enough.
 */
export function disableThirdPartyTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env.ORT_DISABLE_TELEMETRY ??= "1";
}
