// @earshot/audio: the one place audio is decoded and turned into model inputs, for training and serving alike.
export {
  appendSamples,
  DEFAULT_DECODE_TIMEOUT_MS,
  DEFAULT_MAX_DECODE_S,
  type DecodeOptions,
  decodeAudio,
  decodeAudioStream,
  MODEL_SAMPLE_RATE,
  type StreamInfo,
} from "./decode.ts";
export { AudioError, type AudioErrorCode, isAudioError } from "./errors.ts";
export {
  computeStftFrontends,
  isStftFrontend,
  STFT_FRONTENDS,
  type StftFeatures,
  type StftFrontend,
} from "./frontends.ts";
export { type Levels, measureLevels } from "./levels.ts";
export {
  type LogMel,
  logMelVggish,
  logMelVggishStream,
  VGGISH_BANDS,
  VGGISH_EXAMPLE_FRAMES,
  VGGISH_LOG_OFFSET,
  type VggishExamples,
  vggishExamples,
} from "./logmel.ts";
export { type ExpertEntry, type FrameSequence, OnnxExpert } from "./onnx.ts";
export { type AudiowaveformJson, computePeakLevels, computePeaks, DEFAULT_PEAK_LEVELS } from "./peaks.ts";
export {
  EFFICIENTAT_BANDS,
  EFFICIENTAT_SAMPLE_RATE,
  type EfficientatLogMel,
  efficientatLogMel,
  YAMNET_BANDS,
  YAMNET_LOG_OFFSET,
  YAMNET_PATCH_FRAMES,
  YAMNET_PATCH_HOP_FRAMES,
  type YamnetPatches,
  yamnetPatches,
} from "./pretrained.ts";
export {
  isPretrainedFrontend,
  MN04_EMBEDDING_DIMS,
  MN04_HOP_S,
  mn04Windows,
  PRETRAINED_FRONTENDS,
  PretrainedExpert,
  type PretrainedFrontend,
  upsample2x,
  YAMNET_EMBEDDING_DIMS,
  YAMNET_HOP_S,
} from "./pretrained-experts.ts";
export { type AudioInfo, DEFAULT_MAX_BYTES, type ProbeOptions, probeAudio } from "./probe.ts";
export { float32Samples } from "./samples.ts";
export { segmentWindows, type Window } from "./segment.ts";
export { createSession, type ExecutionProvider, type OnnxOptions } from "./session.ts";
export { SPECTRAL_DIMS, SPECTRAL_NAMES, type SpectralDescriptors, spectralDescriptors } from "./spectral.ts";
export { SPEECH_EMBEDDING_DIMS, SPEECH_EMBEDDING_HOP_S, SpeechEmbedding, speechModelDir } from "./speech.ts";
export { FFT_SIZE, HOP_SAMPLES, WINDOW_SAMPLES } from "./stft.ts";
export { encodeWav } from "./wav.ts";
