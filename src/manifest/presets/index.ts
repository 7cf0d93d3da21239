// The presets `fastdapr init --preset NAME` offers, as one typed registry.
import { blankPreset } from "./blank.js";
import { learnflowPreset, type PresetOptions } from "./learnflow.js";

export type { PresetOptions } from "./learnflow.js";

export const PRESETS = {
  blank: blankPreset,
  learnflow: learnflowPreset,
} as const satisfies Record<string, (options?: PresetOptions) => string>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
