// The names of the presets, without the presets: the CLI lists them in `init --help` and its flag
// choices without loading the preset texts (and the schema they reference). index.ts checks that
// this list and its registry name the same presets.
export const PRESET_NAMES = ["blank", "learnflow"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
