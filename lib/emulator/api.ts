/** The v3 API: its path prefix and the api_version of its envelopes. */
export const API_PATH = "/api/nutanix/v3";

export const API_VERSION = "3.1";
