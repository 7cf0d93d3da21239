// Platform commands as library functions: `init` (preset → manifest → generate), `generate`
// (manifest → whole tree) and the `add` edits (manifest edit → validate → generate), all through
// the same plan/commit step, so the manifest change and the files it implies land together.
import { existsSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { Document } from "yaml";
import { atParam, FastdaprError } from "../core/errors.js";
import { MANIFEST_FILE } from "../manifest/find.js";
import { parseManifest } from "../manifest/load.js";
import { locateManifest, manifestShown, readManifestText } from "../manifest/read.js";
import { PRESETS, PRESET_NAMES, type PresetName } from "../manifest/presets/index.js";
import { manifestJsonSchemaText, PLATFORM_SCHEMA_FILE } from "../manifest/schema.js";
import { buildPlatform, PlatformError } from "../platform/build-platform.js";
import type { PlatformModel, Warning } from "../platform/model.js";
import { renderPlatform } from "../render/platform.js";
import { applyTree, planFor, type ApplyResult } from "../generate/apply.js";
import { LOCK_FILE } from "../tree/lock.js";
import { isClean, type Plan } from "../tree/plan.js";
import { confineUserFolder, confineUserPath } from "../tree/paths.js";
import { Tree } from "../tree/tree.js";
import { checkServiceName } from "../model/rules.js";

export interface PlatformResult extends ApplyResult {
  platform: PlatformModel;
  root: string;
  path: string;
  warnings: Warning[];
}

export interface WriteOptions {
  dryRun?: boolean;
  force?: boolean;
  cwd?: string;
}

/** Manifest text → validated platform; graph errors are bad input here (exit 2, nothing written). */
function platformFrom(text: string, fileName: string): { platform: PlatformModel; doc: Document } {
  const loaded = parseManifest(text, fileName);
  try {
    return { platform: buildPlatform(loaded.manifest, loaded.positions), doc: loaded.doc };
  } catch (error) {
    if (error instanceof PlatformError) {
      throw new FastdaprError(error.code, error.message, {
        ...(error.location ? { location: error.location } : {}),
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error.problems.length > 1 ? { problems: error.problems } : {}),
      });
    }
    throw error;
  }
}

/** The whole tree a manifest asks for, the manifest itself included (scaffolded: it is the user's). */
export function platformTree(platform: PlatformModel, manifestText: string, rewriteManifest = false): Tree {
  const tree = new Tree();
  tree.add(MANIFEST_FILE, manifestText, "scaffolded", { rewrite: rewriteManifest });
  // what the manifest's yaml-language-server line points at
  tree.add(PLATFORM_SCHEMA_FILE, manifestJsonSchemaText(), "generated");
  renderPlatform(platform, tree);
  return tree;
}

/** The manifest to work on: --manifest (confined to the working directory), or the nearest one up. */
function manifestPath(cwd: string, manifest: string | undefined): string {
  if (manifest !== undefined) atParam("manifest", (label) => confineUserPath(cwd, manifest, label));
  return locateManifest(cwd, manifest);
}

async function write(root: string, cwd: string, platform: PlatformModel, text: string, options: WriteOptions & { rewriteManifest?: boolean }): Promise<PlatformResult> {
  const tree = platformTree(platform, text, options.rewriteManifest ?? false);
  const result = await applyTree(root, tree, { dryRun: options.dryRun ?? false, force: options.force ?? false });
  return { ...result, platform, root, path: relative(cwd, root) || ".", warnings: platform.warnings };
}

interface LoadedPlatform {
  root: string;
  fileName: string;
  text: string;
  platform: PlatformModel;
  doc: Document;
}

/** Finds, reads and validates the manifest named by `--manifest` (default: the nearest fastdapr.yaml up). */
function loadPlatformAt(cwd: string, manifest: string | undefined): LoadedPlatform {
  const file = manifestPath(cwd, manifest);
  const fileName = manifestShown(cwd, file, manifest);
  const text = readManifestText(file, fileName, manifest === undefined);
  return { root: dirname(file), fileName, text, ...platformFrom(text, fileName) };
}

export async function generatePlatform(options: WriteOptions & { manifest?: string }): Promise<PlatformResult> {
  const cwd = options.cwd ?? process.cwd();
  const { root, platform, text } = loadPlatformAt(cwd, options.manifest);
  return write(root, cwd, platform, text, options);
}

/** `generate --check`: the plan a generate would carry out, without writing. */
export function driftPlan(options: { manifest?: string; cwd?: string }): { plan: Plan; clean: boolean; platform: PlatformModel; path: string; manifest: string } {
  const cwd = options.cwd ?? process.cwd();
  const { root, platform, text, fileName } = loadPlatformAt(cwd, options.manifest);
  const plan = planFor(root, platformTree(platform, text));
  return { plan, clean: isClean(plan), platform, path: relative(cwd, root) || ".", manifest: fileName };
}

/**
 * What `generate` would change beside the manifest at `manifestPath`, or null when that folder was
 * never generated (no lock file): then only the manifest is checked, e.g. in an editor before the
 * first generate.
 */
export function driftSinceGenerate(manifestPath: string, platform: PlatformModel, text: string): Plan | null {
  const root = dirname(manifestPath);
  if (!existsSync(join(root, LOCK_FILE))) return null;
  return planFor(root, platformTree(platform, text));
}

export async function initPlatform(options: WriteOptions & { dir?: string; preset: string }): Promise<PlatformResult> {
  const cwd = options.cwd ?? process.cwd();
  if (!(PRESET_NAMES as readonly string[]).includes(options.preset)) {
    throw new FastdaprError("E_PRESET", `unknown preset "${options.preset}": use one of ${PRESET_NAMES.join(", ")}`, {
      param: { key: "preset" },
    });
  }
  const root = atParam("dir", (label) => confineUserFolder(cwd, options.dir ?? ".", label));
  if (existsSync(`${root}/${MANIFEST_FILE}`) && !options.force) {
    throw new FastdaprError("E_TARGET_EXISTS", `${relative(cwd, root) || "."} already has a ${MANIFEST_FILE}`, {
      location: relative(cwd, root) || ".",
      hint: "run fastdapr generate there, or choose another folder",
    });
  }
  const folder = basename(root);
  const name = checkServiceName(folder) === undefined ? folder : undefined;
  const text = PRESETS[options.preset as PresetName](name ? { name } : {});
  const { platform } = platformFrom(text, MANIFEST_FILE);
  return write(root, cwd, platform, text, options);
}

export type ManifestEdit = (doc: Document) => string;

/** Applies one manifest edit, validates the result, and regenerates in the same commit. */
export async function editPlatform(edit: ManifestEdit, options: WriteOptions & { manifest?: string }): Promise<PlatformResult> {
  const cwd = options.cwd ?? process.cwd();
  const { root, fileName, doc } = loadPlatformAt(cwd, options.manifest);
  const text = edit(doc);
  const { platform } = platformFrom(text, fileName);
  return write(root, cwd, platform, text, { ...options, rewriteManifest: true });
}
