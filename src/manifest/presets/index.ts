// The presets `fastdapr init --preset NAME` offers, as one typed registry.
import { blankPreset } from "./blank.js";
import { learnflowPreset, type PresetOptions } from "./learnflow.js";
import type { PresetName } from "./names.js";

export type { PresetOptions } from "./learnflow.js";
export { PRESET_NAMES, type PresetName } from "./names.js";

// `satisfies Record<PresetName, …>` with the exact-keys check below: a preset added here but not to
// names.ts (or the other way round) does not compile
export const PRESETS = {
  blank: blankPreset,
  learnflow: learnflowPreset,
} as const satisfies Record<PresetName, (options?: PresetOptions) => string>;

type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
const _presetNamesMatch: SameKeys<keyof typeof PRESETS, PresetName> = true;
void _presetNamesMatch;
