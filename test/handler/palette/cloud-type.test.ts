import assert from "node:assert/strict";
import { test } from "node:test";
import { checkCloudType } from "../../../lib/handler/palette/cloud-type";
import { withPalette } from "../../helpers/palette";

test("a registered custom nutanix passes (the palette-emulator's default seed)", async () => {
  await withPalette(async (h) => {
    const r = checkCloudType(await h.client().cloudTypes.list());
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.cloudType.isCustom, true);
  });
});

test("missing, or present but not custom, fails and says what to do (palette-sdk-go ValidateCustomCloudType: name and isCustom)", () => {
  const missing = checkCloudType([{ name: "vsphere", isCustom: false }]);
  assert.equal(missing.ok, false);
  assert.ok(!missing.ok && missing.reason === "missing");
  assert.match(!missing.ok ? missing.message : "", /no custom cloud type "nutanix".*nutanix-handler palette register-cloud --infra-components/);
  const builtIn = checkCloudType([{ name: "nutanix", isCustom: false }]);
  assert.ok(!builtIn.ok && builtIn.reason === "not-custom" && /is not a custom cloud/.test(builtIn.message));
  assert.equal(checkCloudType([{ name: "acme", isCustom: true }], "acme").ok, true);
});
