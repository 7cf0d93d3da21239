// Library entry point: the same pipeline the CLI uses.
export { newService, renderServiceTree } from "./commands/new.js";
export { buildServiceModel } from "./model/build-service.js";
export type { ServiceModel } from "./model/service.js";
export { FastdaprError, EXIT } from "./core/errors.js";
export { main } from "./fastdapr.js";
