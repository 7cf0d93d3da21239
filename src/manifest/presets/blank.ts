// The blank preset: a valid manifest with no services yet, and comments showing the shape.
import { SCHEMA_REF } from "../schema.js";
import { PYTHON_VERSION } from "../../versions.js";
import type { PresetOptions } from "./learnflow.js";

/** fastdapr.yaml text of an empty platform (`name` defaults to "platform"). */
export function blankPreset(options: PresetOptions = {}): string {
  const name = options.name ?? "platform";
  const schemaRef = options.schemaRef ?? SCHEMA_REF;
  return `# yaml-language-server: $schema=${schemaRef}
#
# A fastdapr platform. Add services with "fastdapr add service NAME" or by hand, e.g.:
#
#   topics:
#     orders.created:
#       description: An order was placed.
#       schema:
#         type: object
#         required: [ order_id ]
#         properties:
#           order_id: { type: string }
#   services:
#     orders-service:
#       tier: standard          # lightweight | standard | agent
#       port: 8001
#       publishes: [ orders.created ]
#       state: [ "order:{order_id}" ]
#
# then run "fastdapr generate".
apiVersion: fastdapr/v1
name: ${name}
defaults:
  python: "${PYTHON_VERSION}"
  imageRegistry: ghcr.io/example/${name}
  imageTag: "0.1.0"
topics: {}
services: {}
`;
}
