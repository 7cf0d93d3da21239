// Prints the exact pinned Python requirements of generated services (runtime + agent + dev),
// one `name==version` per line, from src/versions.ts: the single source of the pins.
//   npx tsx scripts/python-requirements.ts
import { PYTHON_AGENT_DEPENDENCIES, PYTHON_DEPENDENCIES, PYTHON_DEV_DEPENDENCIES } from "../src/versions.js";

const pins = { ...PYTHON_DEPENDENCIES, ...PYTHON_AGENT_DEPENDENCIES, ...PYTHON_DEV_DEPENDENCIES };
process.stdout.write(
  Object.entries(pins)
    .map(([name, version]) => `${name}==${version}`)
    .sort()
    .join("\n") + "\n",
);
