// The official JS SDK (@azure/arm-apimanagement) doing the benchmark's work against the emulator.
//   node bench.mjs single <n>          n sequential updates of backend "b1": per-call latency
//   node bench.mjs bulk <n> <width>    updates of bulk0000..: wall time with <width> in flight
// Reads APIM_BACKEND_ENDPOINT, AZURE_SUBSCRIPTION_ID, APIM_BACKEND_ACCESS_TOKEN; trust the
// emulator's CA with NODE_EXTRA_CA_CERTS. Prints one JSON object.
import { ApiManagementClient } from "@azure/arm-apimanagement";

const [mode, nText, widthText] = process.argv.slice(2);
const n = Number(nText);
const width = Number(widthText ?? 1);
const credential = {
  getToken: async () => ({ token: process.env.APIM_BACKEND_ACCESS_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 }),
};
const client = new ApiManagementClient(credential, process.env.AZURE_SUBSCRIPTION_ID, {
  endpoint: process.env.APIM_BACKEND_ENDPOINT,
  credentialScopes: ["https://management.azure.com/.default"],
});
const update = (id, description) => client.backend.update("rg1", "apim1", id, "*", { description });

if (mode === "single") {
  for (let i = 0; i < 20; i++) await update("b1", `warm ${i}`);
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await update("b1", `node ${i}`);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(JSON.stringify({ latencies }));
} else if (mode === "bulk") {
  let next = 0;
  let failures = 0;
  const t = process.hrtime.bigint();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      try {
        await update(`bulk${String(i).padStart(4, "0")}`, `node bulk ${width}`);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  console.log(JSON.stringify({ wallMs: Number(process.hrtime.bigint() - t) / 1e6, failures }));
} else {
  console.error("usage: node bench.mjs single <n> | bulk <n> <width>");
  process.exit(2);
}
