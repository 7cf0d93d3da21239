// The presets that ship starter code for their services' user-owned files (templates/presets/<name>/).
// A manifest names one in its top-level `preset` field; the schema takes its enum from here.
import type { PresetName } from "./names.js";

export const STARTER_PRESETS = ["learnflow"] as const satisfies readonly PresetName[];
export type StarterPreset = (typeof STARTER_PRESETS)[number];
