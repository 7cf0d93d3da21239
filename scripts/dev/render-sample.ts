// Developer aid: render sample services of every tier into a folder to read or run them.
//   npx tsx scripts/dev/render-sample.ts /tmp/samples
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildServiceModel } from "../../src/model/build-service.js";
import { renderService } from "../../src/render/service.js";
import { Tree } from "../../src/tree/tree.js";
import { writeTreeTo } from "../../test/support/write-tree.js";
import { SAMPLE_SERVICES } from "../../test/support/samples.js";

const out = process.argv[2] ?? "/tmp/fastdapr-samples";
rmSync(out, { recursive: true, force: true });
for (const options of SAMPLE_SERVICES) {
  const tree = new Tree();
  renderService(buildServiceModel(options), tree.scope(options.name));
  writeTreeTo(tree, out);
  console.log(join(out, options.name));
}
