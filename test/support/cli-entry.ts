// Entry used by spawnCli: the same as bin/fastdapr.js, from sources.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
