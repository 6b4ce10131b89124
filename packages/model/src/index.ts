export { clipSegments, type SegmentEncoding } from "./audio.ts";
export { DEFAULT_BUNDLE_DIR, type LoadOptions, loadModelBundle, type ModelBundle, readManifest } from "./bundle.ts";
export { ModelError, type ModelErrorCode } from "./errors.ts";
export {
  computeExpertInput,
  computeExpertInputs,
  type FeatureSequence,
  loadOnnxFrontends,
  type OnnxFrontends,
  windowFrames,
} from "./experts.ts";
export {
  type CacheExpert,
  DEFAULT_CACHE_EXPERTS,
  FEATURE_CACHE_FORMAT,
  type FeatureCacheResult,
  type FeatureClip,
  PRETRAINED_CACHE_EXPERTS,
  writeFeatureCache,
} from "./feature-cache.ts";
export { type BundleManifest, type ExpertSpec, expertSchema, manifestSchema, parseManifest } from "./manifest.ts";
export * as metrics from "./metrics.ts";
export type { ExecutionProvider } from "./onnx.ts";
export { type PretrainedRef, pretrainedDir, resolvePretrained } from "./pretrained.ts";
export type { TextEncoding } from "./text.ts";
export { tokenize } from "./tokenizer.ts";
