// One place that builds ajv instances (CJS packages imported from ESM under NodeNext).
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default;

export function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("int-or-string", true);
  return ajv;
}
