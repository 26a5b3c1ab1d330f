import { PrivateCloudGatewayPropsSchema } from "../../lib/schema/pcg";
import { expectSchemaCases } from "./table";

const apiKey = { source: "env", env: "PALETTE_API_KEY" };

expectSchemaCases("PrivateCloudGatewayPropsSchema", PrivateCloudGatewayPropsSchema, [
  { name: "defaults", input: { name: "g", palette: { apiKey } }, output: { name: "g", palette: { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey } } },
  { name: "a proxy", input: { name: "g", palette: { apiKey }, proxy: { httpsProxy: "http://proxy:3128", noProxy: ["pc.example.com"] } } },
], [
  { name: "an http Palette endpoint", input: { name: "g", palette: { apiKey, endpoint: "http://palette" } }, message: /https:\/\//, field: "palette.endpoint" },
  { name: "a literal API key", input: { name: "g", palette: { apiKey: "key" } }, message: /Secret\.fromEnv/, field: "palette.apiKey" },
  { name: "a bad proxy URL", input: { name: "g", palette: { apiKey }, proxy: { httpProxy: "proxy:3128" } }, message: /http:\/\/ or https:\/\//, field: "proxy.httpProxy" },
]);
