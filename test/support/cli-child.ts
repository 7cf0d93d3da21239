// The CLI from source in a child process (`node --import tsx test/support/cli-child.ts ARGS`), for
// tests that must kill a real process mid-run; unlike spawnCli it needs no build.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
