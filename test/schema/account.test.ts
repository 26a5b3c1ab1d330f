import { PrismCentralAccountPropsSchema, PrismEndpointInput } from "../../lib/schema/account";
import { CredentialsRef, EntityRefInput, SecretRef } from "../../lib/schema/refs";
import { expectSchemaCases } from "./table";

const creds = { source: "env", usernameEnv: "U", passwordEnv: "P" };

expectSchemaCases("PrismEndpointInput", PrismEndpointInput, [
  { name: "a URL with port", input: "https://pc.dc1.example.com:9440", output: { host: "pc.dc1.example.com", port: 9440 } },
  { name: "a bare host (port 9440)", input: "pc.example.com", output: { host: "pc.example.com", port: 9440 } },
  { name: "host:port", input: "10.0.0.5:443", output: { host: "10.0.0.5", port: 443 } },
], [
  { name: "http", input: "http://pc.example.com", message: /https:\/\/ URL/ },
  { name: "credentials in the URL", input: "https://admin:secret@pc.example.com", message: /no credentials in the endpoint/ },
  { name: "a path", input: "https://pc.example.com/api/nutanix/v3", message: /no path/ },
  { name: "empty", input: "", message: /Prism Central host/ },
]);
expectSchemaCases("CredentialsRef", CredentialsRef, [
  { name: "env", input: creds },
  { name: "file", input: { source: "file", path: "/etc/pc.json" } },
], [
  { name: "a literal password", input: { username: "admin", password: "secret" }, message: /Credentials\.fromEnv/ },
  { name: "a bad variable name", input: { source: "env", usernameEnv: "a-b", passwordEnv: "P" }, message: /environment variable name/, field: "usernameEnv" },
]);
expectSchemaCases("SecretRef", SecretRef, [{ name: "env", input: { source: "env", env: "PALETTE_API_KEY" } }], [
  { name: "a literal", input: "sk-123", message: /Secret\.fromEnv/ },
]);
expectSchemaCases("EntityRefInput", EntityRefInput, [
  { name: "a bare name", input: "PE-1", output: { name: "PE-1" } },
  { name: "{ uuid }", input: { uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" }, output: { uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" } },
], [
  { name: "an empty name", input: "", message: /name/ },
  { name: "both name and uuid", input: { name: "a", uuid: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" }, message: /name/ },
]);
expectSchemaCases("PrismCentralAccountPropsSchema", PrismCentralAccountPropsSchema, [
  { name: "defaults", input: { endpoint: "pc", credentials: creds }, output: { endpoint: { host: "pc", port: 9440 }, credentials: creds, insecure: false } },
], [
  { name: "an unknown field", input: { endpoint: "pc", credentials: creds, password: "x" }, message: /unknown field 'password'/ },
  { name: "insecure as a string", input: { endpoint: "pc", credentials: creds, insecure: "yes" }, message: /true or false/, field: "insecure" },
  { name: "a bad trust bundle", input: { endpoint: "pc", credentials: creds, trustBundle: "x" }, message: /PEM/, field: "trustBundle" },
]);
expectSchemaCases("PrismEndpointInput (explicit default ports)", PrismEndpointInput, [
  { name: "https://host:443 keeps 443", input: "https://pc.example.com:443", output: { host: "pc.example.com", port: 443 } },
], []);
